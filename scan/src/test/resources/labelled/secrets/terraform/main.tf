provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}

resource "aws_db_instance" "orders" {
  identifier = "orders"
  password   = var.db_password
}

resource "aws_launch_template" "worker" {
  name_prefix = "worker-"
  user_data   = "IyEvYmluL2Jhc2gKZXhwb3J0IERCX1BBU1NXT1JEPVdvcmtlci1EQi0yMDI0Ci9vcHQvd29ya2VyL3J1bgo="
}

data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/orders-AbC12d"]
  }
}
