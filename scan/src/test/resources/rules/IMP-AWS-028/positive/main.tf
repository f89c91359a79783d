resource "aws_instance" "app" {
  ami           = "ami-0abc1234def567890"
  instance_type = "t3.micro"

  metadata_options {
    http_tokens = "required"
  }
}
