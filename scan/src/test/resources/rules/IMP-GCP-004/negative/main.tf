# Impersonation of one service account, by one named group: the narrow form.
resource "google_service_account_iam_member" "release_token_creator" {
  service_account_id = google_service_account.release.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "group:release-managers@acme.example"
}

resource "google_project_iam_member" "log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.release.email}"
}
