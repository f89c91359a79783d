resource "aws_kms_key" "data" {
  description = "data key"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Everyone"
        Effect    = "Allow"
        Principal = "*" # expect: IMP-AWS-033
        Action    = "kms:*"
        Resource  = "*"
      }
    ]
  })
}
