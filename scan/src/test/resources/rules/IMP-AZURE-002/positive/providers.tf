provider "azurerm" {
  features {}
  subscription_id = "0b1f6471-1bf0-4dda-aec3-111122223333"
  tenant_id       = "72f988bf-86f1-41af-91ab-2d7cd011db47"
  client_id       = "6731de76-14a6-49ae-97bc-6eba6914391e"
  client_secret   = "Zr48Q~cXw9vTq2LmN4pR7sK1yB6hJ3dF0gA5eUi" # expect: IMP-AZURE-002
}
