resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  publicly_accessible = true # expect: IMP-AWS-047
}

resource "aws_rds_cluster_instance" "reports" {
  cluster_identifier  = "reports"
  instance_class      = "db.r6g.large"
  engine              = "aurora-postgresql"
  publicly_accessible = "true" # expect: IMP-AWS-047
}
