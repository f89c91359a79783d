# Any repository's main branch on GitHub satisfies this condition.
resource "google_iam_workload_identity_pool_provider" "github_main" {
  workload_identity_pool_id          = "ci"
  workload_identity_pool_provider_id = "github-main"
  attribute_condition                = "assertion.ref == 'refs/heads/main'" # expect: IMP-GCP-007

  attribute_mapping = {
    "google.subject" = "assertion.sub"
  }

  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}
