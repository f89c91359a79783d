resource "aws_iam_group_policy" "web" {
  name  = "web-admins"
  group = aws_iam_group.web.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:PutBucketPolicy", "s3:PutBucketAcl"] # expect: IMP-AWS-018
        Resource = "*"
      }
    ]
  })
}
