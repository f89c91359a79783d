resource "aws_db_instance" "orders" { # expect: IMP-AWS-046
  identifier     = "orders"
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = "db.t4g.micro"
}
