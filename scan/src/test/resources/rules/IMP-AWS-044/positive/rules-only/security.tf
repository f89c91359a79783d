resource "aws_security_group" "orphan" { # expect: IMP-AWS-044
  name   = "orphan"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "orphan_https" {
  security_group_id = aws_security_group.orphan.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.0.0.0/8"
}
