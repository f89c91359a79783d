# The CI service account federates through Workload Identity Federation: no key.
resource "google_service_account" "ci" {
  account_id = "ci-deployer"
}

resource "google_service_account_iam_member" "ci_federation" {
  service_account_id = google_service_account.ci.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/attribute.repository/acme/app"
}

data "google_service_account_key" "existing" {
  name = "projects/acme/serviceAccounts/x@acme.iam.gserviceaccount.com/keys/abc"
}
