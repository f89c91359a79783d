resource "aws_launch_template" "web" { # expect: IMP-AWS-029
  name_prefix = "web-"
  image_id    = "ami-0abc1234def567890"
}
