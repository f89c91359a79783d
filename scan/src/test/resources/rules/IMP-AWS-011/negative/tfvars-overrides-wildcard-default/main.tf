# The default is every action, but prod.auto.tfvars scopes it: Terraform applies the scoped list.
variable "actions" {
  type    = list(string)
  default = ["*"]
}

resource "aws_iam_policy" "ops" {
  name = "ops"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
  })
}
