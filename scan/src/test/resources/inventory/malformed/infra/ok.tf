resource "aws_iam_user" "fine" {
  name = "fine"
}
