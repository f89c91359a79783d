# A wildcard policy built in a local: jsonencode(local.policy) resolves to it.
locals {
  statement = {
    Effect   = "Allow"
    Action   = local.actions # expect: IMP-AWS-011
    Resource = "*"
  }
  actions = ["*"]
  policy = {
    Version   = "2012-10-17"
    Statement = [local.statement]
  }
}

resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = jsonencode(local.policy)
}
