resource "google_project_iam_policy" "p" {
  project     = var.project
  policy_data = jsonencode({
    bindings = [
      { role = "roles/owner", members = ["serviceAccount:${google_service_account.a.email}"] },
      { "role" : "roles/editor", "members" : [for m in var.members : "user:${m}"] },
    ]
    etag = null
  })
}
