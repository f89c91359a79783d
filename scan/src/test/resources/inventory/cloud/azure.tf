resource "azuread_application" "deployer" {
  display_name = "deployer"
}

resource "azuread_service_principal" "deployer" {
  client_id = azuread_application.deployer.client_id
}

resource "azuread_application_password" "deployer" {
  application_id = azuread_application.deployer.id
}

resource "azurerm_role_assignment" "deployer" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Contributor"
  principal_id         = azuread_service_principal.deployer.object_id
}
