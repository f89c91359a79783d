resource "aws_db_instance" "orders" {
  identifier     = "orders"
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = "db.t4g.micro"
}
