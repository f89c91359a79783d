# Locals that refer to each other (Terraform itself refuses this): they stay unresolved.
locals {
  a = local.b
  b = local.c
  c = local.a
}

resource "aws_iam_policy" "ops" {
  name = "ops"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = local.a, Resource = "*" }]
  })
}
