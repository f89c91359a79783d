resource "google_organization_iam_binding" "owners" {
  org_id = "123456789012"
  role   = "roles/owner"
  members = [
    "group:platform-admins@acme.example", # expect: IMP-GCP-003
    "serviceAccount:terraform@acme-seed.iam.gserviceaccount.com", # expect: IMP-GCP-003
  ]
}
