module "web_sg" {
  source = "terraform-aws-modules/security-group/aws//modules/https-443"

  name                = "web"
  vpc_id              = "vpc-0a1b2c3d"
  ingress_cidr_blocks = ["0.0.0.0/0"] # expect: IMP-AWS-049
}
