# The role and the member are declared in variables.tf of the same module.
resource "google_project_iam_member" "ci" {
  project = "acme-prod"
  role    = var.role
  member  = local.ci_member # expect: IMP-GCP-003
}
