resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
}
