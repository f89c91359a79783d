resource "aws_instance" "web" {
  ami                         = "ami-0abc1234def567890"
  instance_type               = "t3.micro"
  associate_public_ip_address = true # expect: IMP-AWS-042
}
