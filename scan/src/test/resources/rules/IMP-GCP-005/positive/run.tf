resource "google_cloud_run_service_iam_binding" "invokers" {
  location = google_cloud_run_service.api.location
  service  = google_cloud_run_service.api.name
  role     = "roles/run.invoker"
  members  = ["allAuthenticatedUsers"] # expect: IMP-GCP-005
}
