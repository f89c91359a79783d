resource "aws_iam_user_policy_attachment" "svc_read" {
  user       = aws_iam_user.svc.name # expect: IMP-AWS-025
  policy_arn = aws_iam_policy.read.arn
}
