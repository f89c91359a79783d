resource "aws_security_group" "legacy" { # expect: IMP-AWS-044
  name   = "legacy"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
}
