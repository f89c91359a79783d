# A role without a default or tfvars value is unknown until apply.
variable "role" {
  type = string
}

resource "google_project_iam_member" "ci" {
  project = "acme-prod"
  role    = var.role
  member  = "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"
}
