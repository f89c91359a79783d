# A variable without a default or a tfvars value is unknown until apply: not reported.
variable "actions" {
  type = list(string)
}

resource "aws_iam_policy" "ops" {
  name = "ops"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
  })
}
