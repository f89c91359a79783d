resource "azurerm_role_assignment" "automation_owner" {
  scope              = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333" # expect: IMP-AZURE-003
  role_definition_id = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
  principal_id       = azurerm_automation_account.ops.identity[0].principal_id
}
