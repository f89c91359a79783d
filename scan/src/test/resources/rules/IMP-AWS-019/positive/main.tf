resource "aws_iam_policy" "writer" {
  name   = "writer"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["dynamodb:PutItem", "dynamodb:UpdateItem"] # expect: IMP-AWS-019
        Resource = "*"
      }
    ]
  })
}
