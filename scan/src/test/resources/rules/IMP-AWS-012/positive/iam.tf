data "aws_iam_policy_document" "ops" {
  statement {
    actions   = ["iam:*"] # expect: IMP-AWS-012
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "ops" {
  role   = aws_iam_role.ops.id
  policy = data.aws_iam_policy_document.ops.json
}
