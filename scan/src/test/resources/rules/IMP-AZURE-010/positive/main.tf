resource "azurerm_kubernetes_cluster" "main" {
  name                              = "main"
  location                          = "westeurope"
  resource_group_name               = "rg-aks"
  dns_prefix                        = "main"
  role_based_access_control_enabled = false # expect: IMP-AZURE-010

  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2s_v3"
  }

  identity {
    type = "SystemAssigned"
  }
}
