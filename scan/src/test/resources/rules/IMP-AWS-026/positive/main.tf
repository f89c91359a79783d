resource "aws_iam_user" "backup" {
  name = "backup-bot" # expect: IMP-AWS-026
}
