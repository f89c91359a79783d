# The default is roles/owner, but terraform.tfvars grants roles/viewer: Terraform applies that.
variable "role" {
  default = "roles/owner"
}

resource "google_project_iam_member" "ci" {
  project = "acme-prod"
  role    = var.role
  member  = "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"
}
