resource "google_storage_bucket_iam_member" "cdn_read" {
  bucket = google_storage_bucket.assets.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.cdn.email}"
}

resource "google_cloud_run_service_iam_member" "invoker" {
  service = google_cloud_run_service.api.name
  role    = "roles/run.invoker"
  member  = "serviceAccount:frontend@acme-prod.iam.gserviceaccount.com"
}
