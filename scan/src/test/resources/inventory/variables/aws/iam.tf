variable "env" {
  default = "dev"
}

variable "region" {
  type = string
}

locals {
  prefix = "${var.env}-platform"
  deploy_policy = {
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = local.actions, Resource = "*" }]
  }
  actions = ["*"]
}

resource "aws_iam_user" "ci" {
  name = "${local.prefix}-ci"
}

resource "aws_iam_user_policy" "ci" {
  user   = aws_iam_user.ci.name
  policy = jsonencode(local.deploy_policy)
}

resource "aws_iam_user" "regional" {
  name = "${var.region}-bot"
}
