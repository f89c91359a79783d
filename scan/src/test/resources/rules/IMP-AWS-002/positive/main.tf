resource "aws_iam_access_key" "svc" {
  user = aws_iam_user.svc.name
}
