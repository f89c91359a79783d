resource "random_password" "orders" {
  length  = 32
  special = true
}

resource "aws_db_instance" "orders" {
  identifier        = "orders"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
  username          = "orders"
  password          = random_password.orders.result
}

module "monitoring" {
  source  = "./modules/monitoring"
  api_key = var.datadog_api_key
  token   = sensitive(data.vault_generic_secret.monitoring.data["token"])
}

data "google_secret_manager_secret_version" "db" {
  secret = "orders-db-password"
}

resource "aws_api_gateway_rest_api" "api" {
  name           = "orders"
  api_key_source = "HEADER"
}

resource "google_service_account" "ci" {
  account_id = "ci"
}

resource "google_service_account_iam_member" "ci" {
  service_account_id = google_service_account.ci.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "group:release@acme.example"
}

resource "google_iam_workload_identity_pool_provider" "ci" {
  workload_identity_pool_id          = "ci"
  workload_identity_pool_provider_id = "github"
  attribute_condition                = "assertion.repository == 'acme/app'"
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

locals {
  db_password        = ""
  admin_password     = "changeme"
  token_lifetime     = "3600s"
  access_token_scope = "https://www.googleapis.com/auth/cloud-platform"
  aws_docs_key       = "AKIAIOSFODNN7EXAMPLE"
}
