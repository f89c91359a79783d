resource "azurerm_role_definition" "reader" {
  name  = "storage-key-reader"
  scope = data.azurerm_subscription.current.id

  permissions {
    actions = [
      "Microsoft.Storage/storageAccounts/read",
      "Microsoft.Storage/storageAccounts/listKeys/action",
    ]
    data_actions = ["*"]
  }

  assignable_scopes = [data.azurerm_subscription.current.id]
}
