resource "google_service_account" "app" {
  account_id = "app"
}

# Every pod of "shop" that names no service account of its own runs as default.
resource "google_service_account_iam_member" "default_ksa" {
  service_account_id = google_service_account.app.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[shop/default]" # expect: IMP-GCP-011
}

resource "google_service_account_iam_binding" "namespace" {
  service_account_id = google_service_account.app.name
  role               = "roles/iam.workloadIdentityUser"
  members = [
    "serviceAccount:acme-prod.svc.id.goog[shop/checkout]",
    "principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/namespace/batch", # expect: IMP-GCP-011
  ]
}

# Direct resource access for a whole pool.
resource "google_storage_bucket_iam_member" "pool" {
  bucket = "acme-reports"
  role   = "roles/storage.objectViewer"
  member = "principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/ci-pool/*" # expect: IMP-GCP-011
}

resource "google_project_iam_member" "subject_default" {
  project = "acme-prod"
  role    = "roles/pubsub.subscriber"
  member  = "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/subject/ns/jobs/sa/default" # expect: IMP-GCP-011
}

variable "project_id" {
  type = string
}
