resource "aws_iam_user" "bot" {
  name = "bot"
}
