resource "azurerm_role_definition" "deployer" {
  name  = "deployer"
  scope = data.azurerm_subscription.current.id

  permissions {
    actions     = ["*"] # expect: IMP-AZURE-009
    not_actions = ["Microsoft.Authorization/*/Delete"]
  }

  assignable_scopes = [data.azurerm_subscription.current.id]
}
