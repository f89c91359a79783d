resource "azurerm_storage_account" "api" {
  name                     = "acmeapifn"
  resource_group_name      = "rg-api"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "azurerm_linux_function_app" "api" {
  name                       = "acme-api"
  resource_group_name        = "rg-api"
  location                   = "westeurope"
  service_plan_id            = azurerm_service_plan.api.id
  storage_account_name       = azurerm_storage_account.api.name
  storage_account_access_key = azurerm_storage_account.api.primary_access_key # expect: IMP-AZURE-004

  site_config {}
}
