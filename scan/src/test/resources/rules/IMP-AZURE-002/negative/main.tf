provider "azurerm" {
  features {}
  use_oidc      = true
  client_id     = var.client_id
  client_secret = var.client_secret
}

provider "azuread" {
  client_secret = ""
}

terraform {
  backend "azurerm" {
    storage_account_name = "acmetfstate"
    container_name       = "tfstate"
    key                  = "prod.terraform.tfstate"
    use_azuread_auth     = true
  }
}

resource "azurerm_linux_web_app" "web" {
  name                = "web"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = azurerm_service_plan.web.id

  site_config {}

  auth_settings_v2 {
    active_directory_v2 {
      client_id                  = azuread_application.web.client_id
      client_secret_setting_name = "MICROSOFT_PROVIDER_AUTHENTICATION_SECRET"
      tenant_auth_endpoint       = "https://login.microsoftonline.com/v2.0/72f988bf-86f1-41af-91ab-2d7cd011db47/"
    }
  }

  identity {
    type = "SystemAssigned"
  }
}
