data "aws_iam_policy" "iam_full" {
  name = "IAMFullAccess"
}

resource "aws_iam_group_policy_attachment" "admins" {
  group      = aws_iam_group.admins.name
  policy_arn = data.aws_iam_policy.iam_full.arn # expect: IMP-AWS-014
}
