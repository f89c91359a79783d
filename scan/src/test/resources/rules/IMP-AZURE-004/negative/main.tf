resource "azurerm_linux_function_app" "api" {
  name                          = "acme-api"
  resource_group_name           = "rg-api"
  location                      = "westeurope"
  service_plan_id               = azurerm_service_plan.api.id
  storage_account_name          = azurerm_storage_account.api.name
  storage_uses_managed_identity = true

  identity {
    type = "SystemAssigned"
  }

  site_config {}
}

resource "azurerm_linux_web_app" "shop" {
  name                = "acme-shop"
  resource_group_name = "rg-shop"
  location            = "westeurope"
  service_plan_id     = azurerm_service_plan.shop.id

  site_config {}

  app_settings = {
    "CATALOG_DB"   = "Server=tcp:acme.database.windows.net;Database=catalog;Authentication=Active Directory Default;"
    "ORDERS_QUEUE" = "acme-shop.servicebus.windows.net"
  }
}
