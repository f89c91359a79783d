resource "aws_iam_user" "svc" {
  name = "svc"
}

resource "aws_iam_access_key" "old" {
  user    = aws_iam_user.svc.name
  pgp_key = "keybase:platform"
}

resource "aws_iam_access_key" "new" {
  user    = aws_iam_user.svc.name # expect: IMP-AWS-004
  pgp_key = "keybase:platform"
}
