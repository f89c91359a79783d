resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"] # expect: IMP-AWS-037
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0abc1234def567890"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
}
