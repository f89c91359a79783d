provider "azurerm" {
  client_secret = "abc
}
