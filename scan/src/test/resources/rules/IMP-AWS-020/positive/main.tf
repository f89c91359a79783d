resource "aws_iam_role" "shared" {
  name = "shared"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # expect: IMP-AWS-020
        Action    = "sts:AssumeRole"
      }
    ]
  })
}
