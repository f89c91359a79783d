resource "aws_rds_cluster" "orders" { # expect: IMP-AWS-046
  cluster_identifier = "orders"
  engine             = "aurora-postgresql"
  master_username    = "orders"
  manage_master_user_password = true
}
