# A policy document data source whose actions and resources are variables.
variable "actions" {
  default = ["*"]
}

locals {
  everything = "*"
}

data "aws_iam_policy_document" "ops" {
  statement {
    actions   = var.actions # expect: IMP-AWS-011
    resources = [local.everything]
  }
}

resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = data.aws_iam_policy_document.ops.json
}
