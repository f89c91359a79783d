resource "aws_default_security_group" "default" { # expect: IMP-AWS-040
  vpc_id = aws_vpc.main.id

  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }
}
