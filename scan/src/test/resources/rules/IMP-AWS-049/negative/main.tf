resource "aws_security_group" "internal" {
  name   = "internal"
  vpc_id = "vpc-0a1b2c3d"

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }

  # ping from anywhere opens no port
  ingress {
    from_port   = -1
    to_port     = -1
    protocol    = "icmp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "from_alb" {
  type                     = "ingress"
  security_group_id        = aws_security_group.internal.id
  from_port                = 8080
  to_port                  = 8080
  protocol                 = "tcp"
  source_security_group_id = "sg-0123456789abcdef0"
}

resource "aws_instance" "svc" {
  ami                    = "ami-0123456789abcdef0"
  vpc_security_group_ids = [aws_security_group.internal.id]
}
