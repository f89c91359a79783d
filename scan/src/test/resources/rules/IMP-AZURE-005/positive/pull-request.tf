resource "azurerm_federated_identity_credential" "pr" {
  name                = "github-pr"
  resource_group_name = "rg-ci"
  parent_id           = azurerm_user_assigned_identity.ci.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:acme/app:pull_request" # expect: IMP-AZURE-005
}
