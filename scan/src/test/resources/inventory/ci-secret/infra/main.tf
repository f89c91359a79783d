resource "aws_iam_user" "publisher" {
  name = "publisher"
}

resource "aws_iam_access_key" "publisher" {
  user = aws_iam_user.publisher.name
}

resource "aws_iam_user" "backup" {
  name = "backup"
}

resource "aws_iam_access_key" "backup" {
  user    = aws_iam_user.backup.name
  pgp_key = "keybase:backup-team"
}

resource "github_actions_secret" "publisher_key" {
  repository      = "app"
  secret_name     = "PUBLISH_AWS_ACCESS_KEY_ID"
  plaintext_value = aws_iam_access_key.publisher.id
}
