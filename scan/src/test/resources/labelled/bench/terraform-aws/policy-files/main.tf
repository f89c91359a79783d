resource "aws_iam_role" "ci" {
  name               = "ci-runner"
  assume_role_policy = templatefile("${path.module}/policies/trust.json.tpl", {
    account_id = "123456789012"
  })
}

resource "aws_iam_role_policy" "ci_deploy" {
  name   = "deploy"
  role   = aws_iam_role.ci.id
  policy = file("${path.module}/policies/deploy.json")
}

resource "aws_iam_role_policy" "ci_read" {
  name   = "read-artifacts"
  role   = aws_iam_role.ci.id
  policy = file("${path.module}/policies/read.json")
}

resource "aws_iam_policy" "buckets" {
  name   = "buckets"
  policy = templatefile("${path.module}/policies/buckets.json.tpl", { buckets = ["logs", "data"] })
}
