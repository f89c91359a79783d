resource "azuread_application_federated_identity_credential" "prod" {
  application_id = azuread_application.deployer.id
  display_name   = "github-prod"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:acme/app:environment:prod"
}

resource "azurerm_federated_identity_credential" "aks" {
  name                = "aks-app"
  resource_group_name = "rg-aks"
  parent_id           = azurerm_user_assigned_identity.app.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azurerm_kubernetes_cluster.main.oidc_issuer_url
  subject             = "system:serviceaccount:shop:api"
}
