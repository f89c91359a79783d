resource "aws_instance" "app" {
  ami                    = "ami-0abc1234def567890"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.app.id]
}
