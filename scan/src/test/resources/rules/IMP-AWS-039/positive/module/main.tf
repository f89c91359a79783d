module "db_sg" {
  source = "terraform-aws-modules/security-group/aws"

  name   = "db"
  vpc_id = "vpc-0a1b2c3d"
  ingress_with_cidr_blocks = [
    {
      from_port   = 5432
      to_port     = 5432
      protocol    = "tcp"
      description = "PostgreSQL"
      cidr_blocks = "0.0.0.0/0" # expect: IMP-AWS-039
    },
  ]
}
