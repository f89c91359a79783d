resource "aws_iam_user_login_profile" "bot" {
  user = aws_iam_user.bot.name # expect: IMP-AWS-027
}
