resource "aws_instance" "app" {
  ami                  = "ami-0abc1234def567890"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.app.name

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional" # expect: IMP-AWS-029
  }
}
