resource "google_service_account_key" "app" {
  service_account_id = google_service_account.app.name
}

resource "kubernetes_secret" "gcp_key" {
  metadata {
    name = "gcp-key"
  }
  data = { # expect: IMP-GCP-002
    "key.json" = base64decode(google_service_account_key.app.private_key)
  }
}
