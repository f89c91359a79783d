resource "google_service_account_iam_binding" "token_creators" {
  service_account_id = google_service_account.release.name
  role               = "roles/iam.serviceAccountTokenCreator"
  members            = ["domain:acme.example"] # expect: IMP-GCP-004
}
