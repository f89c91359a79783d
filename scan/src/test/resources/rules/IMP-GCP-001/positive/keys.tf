resource "google_service_account" "ci" {
  account_id   = "ci-deployer"
  display_name = "CI deployer"
}

resource "google_service_account_key" "ci" { # expect: IMP-GCP-001
  service_account_id = google_service_account.ci.name
}
