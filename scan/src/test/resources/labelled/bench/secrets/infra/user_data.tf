resource "aws_instance" "worker" {
  ami           = "ami-0a1b2c3d4e5f67890"
  instance_type = "t3.small"
  metadata_options {
    http_tokens = "required"
  }
  user_data_base64 = "IyEvYmluL2Jhc2gKZXhwb3J0IERCX1BBU1NXT1JEPVpyOG1RMnZLNXRMeDlXblAK"
}
