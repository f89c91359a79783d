resource "aws_security_group" "admin_ui" {
  name   = "admin-ui"
  vpc_id = "vpc-0a1b2c3d"

  ingress {
    description = "Admin console"
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = [
      "10.20.0.0/16",
      "0.0.0.0/0", # expect: IMP-AWS-049
    ]
  }
}

resource "aws_vpc_security_group_ingress_rule" "grpc" {
  security_group_id = aws_security_group.admin_ui.id
  ip_protocol       = "tcp"
  from_port         = 50051
  to_port           = 50051
  cidr_ipv6         = "::/0" # expect: IMP-AWS-049
}
