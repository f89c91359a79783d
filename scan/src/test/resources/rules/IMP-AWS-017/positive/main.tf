resource "aws_iam_role_policy" "reports" {
  name = "reports"
  role = aws_iam_role.reports.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "dynamodb:Scan"] # expect: IMP-AWS-017
        Resource = "*"
      }
    ]
  })
}
