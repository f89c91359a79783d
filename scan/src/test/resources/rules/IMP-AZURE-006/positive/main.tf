resource "azurerm_key_vault_secret" "db" {
  name         = "db-password"
  value        = "P4ssw0rd-prod-2024" # expect: IMP-AZURE-006
  key_vault_id = azurerm_key_vault.main.id
}
