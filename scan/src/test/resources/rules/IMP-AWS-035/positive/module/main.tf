# The security-group module's SSH submodule opens 22 to its ingress_cidr_blocks.
module "bastion_sg" {
  source  = "terraform-aws-modules/security-group/aws//modules/ssh"
  version = "~> 5.0"

  name                = "bastion"
  vpc_id              = "vpc-0a1b2c3d"
  ingress_cidr_blocks = ["0.0.0.0/0"] # expect: IMP-AWS-035
}

# The main module: a named rule with its own CIDR string.
module "ops_sg" {
  source  = "terraform-aws-modules/security-group/aws"
  version = "~> 5.0"

  name                = "ops"
  vpc_id              = "vpc-0a1b2c3d"
  ingress_cidr_blocks = ["10.0.0.0/8"]
  ingress_rules       = ["https-443-tcp"]
  ingress_with_cidr_blocks = [
    {
      rule        = "ssh-tcp"
      cidr_blocks = "10.0.0.0/8,0.0.0.0/0" # expect: IMP-AWS-035
    },
  ]
}
