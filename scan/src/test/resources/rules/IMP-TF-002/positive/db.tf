resource "aws_db_instance" "orders" {
  identifier        = "orders"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
  username          = "orders"
  password          = "Zt7qLm2Xv9Rk" # expect: IMP-TF-002
}

resource "aws_rds_cluster" "reports" {
  cluster_identifier = "reports"
  master_username    = "reports"
  master_password    = "cjUekwlVtLtIPwPbXZBg" # expect: IMP-TF-002
}
