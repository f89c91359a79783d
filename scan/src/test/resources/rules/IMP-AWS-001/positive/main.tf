resource "aws_iam_user" "ci" {
  name = "ci-deployer"
}

resource "aws_iam_access_key" "ci" { # expect: IMP-AWS-001
  user    = aws_iam_user.ci.name
  pgp_key = "keybase:platform"
}
