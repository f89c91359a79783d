resource "aws_iam_access_key" "svc" { # expect: IMP-AWS-002
  user = aws_iam_user.svc.name
}
