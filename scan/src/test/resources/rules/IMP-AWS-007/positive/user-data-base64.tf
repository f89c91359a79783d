resource "aws_launch_template" "worker" {
  name_prefix      = "worker-"
  image_id         = "ami-0123456789abcdef0"
  user_data        = "IyEvYmluL2Jhc2gKZXhwb3J0IERCX1BBU1NXT1JEPU9yZGVycy0yMDI0LXByb2QKL29wdC9hcHAvc3RhcnQuc2gK"
}
