resource "google_service_account" "backup" {
  account_id = "backup-writer"
}

# The backup job runs as the service account: no HMAC key.
resource "google_storage_bucket_iam_member" "backup" {
  bucket = google_storage_bucket.backup.name
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${google_service_account.backup.email}"
}

# A key being retired: kept only until its deletion is applied.
resource "google_storage_hmac_key" "old" {
  service_account_email = google_service_account.backup.email
  state                 = "INACTIVE"
}
