resource "google_service_account" "ci" {
  account_id = "ci"
}

resource "google_project_iam_member" "ci_editor" {
  project = var.project_id
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.ci.email}" # expect: IMP-GCP-003
}
