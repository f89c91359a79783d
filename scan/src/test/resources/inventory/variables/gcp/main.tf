variable "role" {
  default = "roles/viewer"
}

variable "account" {
  default = "deploy-bot"
}

resource "google_service_account" "deployer" {
  account_id = var.account
}

resource "google_project_iam_member" "deployer" {
  project = "acme-prod"
  role    = var.role
  member  = "serviceAccount:${google_service_account.deployer.email}"
}
