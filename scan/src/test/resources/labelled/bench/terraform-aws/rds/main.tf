resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  username            = "orders"
  password            = "cjUekwlVtLtIPwPbXZBg"
  publicly_accessible = false
}

resource "aws_rds_cluster" "reports" {
  cluster_identifier = "reports"
  master_username    = "reports"
  master_password    = random_password.reports.result
}

resource "aws_db_instance" "legacy" {
  identifier          = "legacy"
  username            = "legacy"
  password            = "changeme"
  publicly_accessible = false
}

resource "aws_db_instance" "billing" {
  identifier          = "billing"
  username            = "billing"
  password            = var.billing_db_password
  publicly_accessible = false
}

resource "aws_launch_template" "api" {
  name = "api"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_cognito_user_pool_client" "web" {
  name         = "web"
  user_pool_id = "eu-west-1_Qz8Lm2Kx7"
  token_validity_units {
    access_token  = "minutes"
    refresh_token = "days"
  }
}

resource "random_password" "reports" {
  length = 32
}
