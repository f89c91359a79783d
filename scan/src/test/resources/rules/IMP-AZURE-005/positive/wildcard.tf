resource "azuread_application_federated_identity_credential" "any_repo" {
  application_id = azuread_application.deployer.id
  display_name   = "github-any"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:acme/*" # expect: IMP-AZURE-005
}
