resource "aws_instance" "app" { # expect: IMP-AWS-028
  ami           = "ami-0abc1234def567890"
  instance_type = "t3.micro"

  metadata_options {
    http_tokens = "required"
  }
}
