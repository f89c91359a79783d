resource "google_service_account" "ci" {
  account_id   = "ci-runner"
  display_name = "CI runner"
}

resource "google_service_account_key" "ci" {
  service_account_id = google_service_account.ci.name
}

resource "google_project_iam_member" "ci_owner" {
  project = "acme-prod"
  role    = "roles/owner"
  member  = "serviceAccount:${google_service_account.ci.email}"
}

resource "google_service_account" "viewer" {
  account_id = "dashboards"
}

resource "google_project_iam_member" "viewer" {
  project = "acme-prod"
  role    = "roles/viewer"
  member  = "serviceAccount:${google_service_account.viewer.email}"
}
