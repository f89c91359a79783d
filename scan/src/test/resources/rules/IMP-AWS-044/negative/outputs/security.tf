resource "aws_security_group" "shared" {
  name   = "shared"
  vpc_id = var.vpc_id
}
