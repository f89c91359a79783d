resource "google_service_account_key" "ci" {
  service_account_id = google_service_account.ci.name
}

resource "local_file" "key" {
  filename = "${path.module}/ci-key.json"
  content  = base64decode(google_service_account_key.ci.private_key) # expect: IMP-GCP-002
}
