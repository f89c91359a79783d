# Ports come from a variable per rule: which ports is not known, that they are public is.
resource "aws_security_group" "public_services" {
  name   = "public-services"
  vpc_id = "vpc-0a1b2c3d"

  dynamic "ingress" {
    for_each = var.public_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"] # expect: IMP-AWS-049
    }
  }
}

variable "public_ports" {
  type = list(number)
}

resource "aws_instance" "svc" {
  ami                    = "ami-0123456789abcdef0"
  vpc_security_group_ids = [aws_security_group.public_services.id]
}
