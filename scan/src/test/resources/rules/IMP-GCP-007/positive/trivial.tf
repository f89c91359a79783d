resource "google_iam_workload_identity_pool_provider" "gitlab" {
  workload_identity_pool_id          = "ci"
  workload_identity_pool_provider_id = "gitlab"
  attribute_condition                = "true" # expect: IMP-GCP-007

  attribute_mapping = {
    "google.subject" = "assertion.sub"
  }

  oidc {
    issuer_uri = "https://gitlab.com"
  }
}
