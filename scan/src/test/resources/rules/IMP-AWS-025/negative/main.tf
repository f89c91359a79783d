resource "aws_iam_role_policy_attachment" "svc_read" {
  role       = aws_iam_role.svc.name
  policy_arn = aws_iam_policy.read.arn
}
