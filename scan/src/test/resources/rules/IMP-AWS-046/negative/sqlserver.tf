resource "aws_db_instance" "reports" {
  identifier     = "reports"
  engine         = "sqlserver-se"
  instance_class = "db.m6i.large"
}
