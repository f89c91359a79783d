# The terraform-aws-modules RDS module passes publicly_accessible to the instance.
variable "public_database" {
  type    = bool
  default = true
}

module "db" {
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 6.0"

  identifier          = "billing"
  engine              = "mysql"
  publicly_accessible = var.public_database # expect: IMP-AWS-047
}
