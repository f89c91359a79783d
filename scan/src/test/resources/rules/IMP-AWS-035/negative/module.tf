module "bastion_sg" {
  source = "terraform-aws-modules/security-group/aws//modules/ssh"

  name                = "bastion"
  vpc_id              = "vpc-0a1b2c3d"
  ingress_cidr_blocks = ["10.8.0.0/16"]
}

# Public web ports are not SSH.
module "web_sg" {
  source = "terraform-aws-modules/security-group/aws//modules/http-80"

  name                = "web"
  vpc_id              = "vpc-0a1b2c3d"
  ingress_cidr_blocks = ["0.0.0.0/0"]
}

module "app_sg" {
  source = "terraform-aws-modules/security-group/aws"

  name                = "app"
  vpc_id              = "vpc-0a1b2c3d"
  ingress_cidr_blocks = ["10.0.0.0/8"]
  ingress_rules       = ["ssh-tcp"]
}
