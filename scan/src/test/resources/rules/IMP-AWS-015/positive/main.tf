resource "aws_iam_policy" "launcher" {
  name   = "launcher"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["iam:PassRole", "ec2:RunInstances"] # expect: IMP-AWS-015
        Resource = "*"
      }
    ]
  })
}
