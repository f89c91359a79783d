resource "google_project_iam_member" "deployers_act_as" {
  project = var.project_id
  role    = "roles/iam.serviceAccountUser"
  member  = "group:developers@acme.example" # expect: IMP-GCP-004
}
