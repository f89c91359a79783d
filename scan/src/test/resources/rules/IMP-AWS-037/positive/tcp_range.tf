resource "aws_security_group_rule" "everything" {
  type              = "ingress"
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"] # expect: IMP-AWS-037
  security_group_id = aws_security_group.app.id
}
