resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["cloudwatch:GetMetricData", "logs:GetLogEvents"]
        Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:/app/*"
      }
    ]
  })
}
