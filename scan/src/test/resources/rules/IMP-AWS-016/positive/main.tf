resource "aws_iam_policy" "reader" {
  name   = "secrets-reader"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"] # expect: IMP-AWS-016
        Resource = "*"
      }
    ]
  })
}
