# azurerm 2.x spelled it as a block.
resource "azurerm_kubernetes_cluster" "legacy" {
  name                = "legacy"
  location            = "westeurope"
  resource_group_name = "rg-aks"
  dns_prefix          = "legacy"

  role_based_access_control {
    enabled = false # expect: IMP-AZURE-010
  }

  identity {
    type = "SystemAssigned"
  }
}
