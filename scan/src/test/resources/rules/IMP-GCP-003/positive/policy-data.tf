data "google_iam_policy" "folder" {
  binding {
    role    = "roles/editor"
    members = ["serviceAccount:batch@acme-prod.iam.gserviceaccount.com"] # expect: IMP-GCP-003
  }
}

resource "google_folder_iam_policy" "folder" {
  folder      = "folders/1234567"
  policy_data = data.google_iam_policy.folder.policy_data
}
