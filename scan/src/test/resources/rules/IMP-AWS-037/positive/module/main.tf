module "debug_sg" {
  source = "terraform-aws-modules/security-group/aws"

  name          = "debug"
  vpc_id        = "vpc-0a1b2c3d"
  ingress_rules = ["all-all"]
  ingress_ipv6_cidr_blocks = [
    "::/0", # expect: IMP-AWS-037
  ]
}
