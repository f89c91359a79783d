resource "azuread_application_flexible_federated_identity_credential" "org" {
  application_id             = azuread_application.deployer.id
  display_name               = "github-org"
  audience                   = "api://AzureADTokenExchange"
  issuer                     = "https://token.actions.githubusercontent.com"
  claims_matching_expression = "claims['sub'] matches 'repo:acme/*'" # expect: IMP-AZURE-005
}
