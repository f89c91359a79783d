resource "aws_db_instance" "orders" {
  identifier     = "orders"
  engine         = "postgres"
  instance_class = "db.t4g.micro"
}

resource "aws_db_instance" "reports" {
  identifier          = "reports"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  publicly_accessible = false
}

module "db" {
  source              = "terraform-aws-modules/rds/aws"
  identifier          = "billing"
  publicly_accessible = false
}

# Not a database: a module of another kind with an input of the same name.
module "bastion" {
  source              = "./modules/bastion"
  publicly_accessible = true
}
