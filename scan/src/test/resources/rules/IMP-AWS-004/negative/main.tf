resource "aws_iam_access_key" "svc" {
  user    = aws_iam_user.svc.name
  pgp_key = "keybase:platform"
}

resource "aws_iam_access_key" "other" {
  user    = aws_iam_user.other.name
  pgp_key = "keybase:platform"
}
