resource "google_service_account" "app" {
  account_id = "app"
}

resource "google_service_account_iam_member" "checkout" {
  service_account_id = google_service_account.app.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[shop/checkout]"
}

resource "google_project_iam_member" "subject" {
  project = "acme-prod"
  role    = "roles/pubsub.subscriber"
  member  = "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/subject/ns/jobs/sa/report-runner"
}

# One repository of a GitHub pool.
resource "google_service_account_iam_member" "github" {
  service_account_id = google_service_account.app.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/attribute.repository/acme/deploy"
}

variable "project_id" {
  type = string
}
