resource "azurerm_linux_web_app" "shop" {
  name                = "acme-shop"
  resource_group_name = "rg-shop"
  location            = "westeurope"
  service_plan_id     = azurerm_service_plan.shop.id

  site_config {}

  app_settings = { # expect: IMP-AZURE-004
    "ORDERS_QUEUE" = azurerm_servicebus_namespace.shop.default_primary_connection_string
  }

  connection_string {
    name  = "Catalog"
    type  = "SQLAzure"
    value = "Server=tcp:acme.database.windows.net;Database=catalog;User ID=shop;Password=Kq8vT3xZ1pLm;"
  }
}
