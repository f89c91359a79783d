resource "aws_iam_role_policy" "uploader" {
  name = "uploader"
  role = aws_iam_role.uploader.id
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["s3:PutObject", "s3:GetObject"],
          "Resource": ["arn:aws:s3:::uploads/*"]
        }
      ]
    }
  EOF
}
