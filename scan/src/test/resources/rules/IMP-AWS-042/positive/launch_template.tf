resource "aws_launch_template" "web" {
  name_prefix = "web-"

  network_interfaces {
    associate_public_ip_address = true # expect: IMP-AWS-042
    security_groups             = [aws_security_group.web.id]
  }
}
