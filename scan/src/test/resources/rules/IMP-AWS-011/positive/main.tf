resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*" # expect: IMP-AWS-011
        Resource = "*"
      }
    ]
  })
}
