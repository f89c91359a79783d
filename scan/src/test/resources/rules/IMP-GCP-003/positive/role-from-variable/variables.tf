variable "role" {
  type    = string
  default = "roles/owner"
}

locals {
  ci_member = "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"
}
