resource "random_password" "db" {
  length  = 32
  special = true
}

resource "azurerm_key_vault_secret" "db" {
  name         = "db-password"
  value        = random_password.db.result
  key_vault_id = azurerm_key_vault.main.id
}

resource "azurerm_key_vault_secret" "placeholder" {
  name         = "api-token"
  value        = "changeme"
  key_vault_id = azurerm_key_vault.main.id

  lifecycle {
    ignore_changes = [value]
  }
}
