resource "google_project_iam_member" "ci_deployer" {
  project = var.project_id
  role    = "roles/run.developer"
  member  = "serviceAccount:${google_service_account.ci.email}"
}

resource "google_project_iam_member" "viewer" {
  project = var.project_id
  role    = "roles/viewer"
  member  = "group:auditors@acme.example"
}

# A custom role whose name merely contains the word editor.
resource "google_project_iam_member" "custom" {
  project = var.project_id
  role    = "projects/acme/roles/docs.editor"
  member  = "serviceAccount:${google_service_account.docs.email}"
}
