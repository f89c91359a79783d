resource "google_service_account" "backup" {
  account_id = "backup-writer"
}

resource "google_storage_hmac_key" "backup" { # expect: IMP-GCP-010
  project               = "acme-prod"
  service_account_email = google_service_account.backup.email
}
