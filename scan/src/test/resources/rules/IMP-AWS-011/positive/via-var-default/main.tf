# The actions come from a variable whose default is every action.
variable "actions" {
  type    = list(string)
  default = ["*"]
}

resource "aws_iam_role_policy" "deployer" {
  name = "deployer"
  role = "deployer"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] # expect: IMP-AWS-011
  })
}
