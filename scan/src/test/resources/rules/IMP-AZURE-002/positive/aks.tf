resource "azurerm_kubernetes_cluster" "legacy" {
  name                = "legacy"
  location            = "westeurope"
  resource_group_name = "rg-legacy"
  dns_prefix          = "legacy"

  service_principal {
    client_id     = "6731de76-14a6-49ae-97bc-6eba6914391e"
    client_secret = "w7Rt2-pLx9Qv4Mz8Kb3Nc6" # expect: IMP-AZURE-002
  }
}
