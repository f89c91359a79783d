# A single-tenant issuer (the company's own IdP): a condition on a group is enough.
resource "google_iam_workload_identity_pool_provider" "corp" {
  workload_identity_pool_id          = "corp"
  workload_identity_pool_provider_id = "corp-idp"
  attribute_condition                = "'deployers' in assertion.groups"

  oidc {
    issuer_uri = "https://login.corp.example"
  }
}
