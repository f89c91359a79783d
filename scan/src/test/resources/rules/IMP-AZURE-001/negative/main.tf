resource "azuread_application" "ci" {
  display_name = "ci-deployer"
}

# CI signs in with its own GitHub OIDC token: no client secret exists.
resource "azuread_application_federated_identity_credential" "ci" {
  application_id = azuread_application.ci.id
  display_name   = "github-prod"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:acme/app:environment:prod"
}
