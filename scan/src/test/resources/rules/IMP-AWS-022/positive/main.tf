resource "aws_iam_policy" "hopper" {
  name   = "hopper"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "sts:AssumeRole" # expect: IMP-AWS-022
        Resource = "*"
      }
    ]
  })
}
