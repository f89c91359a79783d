resource "azurerm_role_assignment" "platform_uaa" {
  scope                = "/providers/Microsoft.Management/managementGroups/${var.root_mg}" # expect: IMP-AZURE-003
  role_definition_name = "User Access Administrator"
  principal_id         = azuread_service_principal.platform.object_id
}
