resource "aws_iam_role" "backup" {
  name               = "backup-bot"
  assume_role_policy = data.aws_iam_policy_document.backup_trust.json
}
