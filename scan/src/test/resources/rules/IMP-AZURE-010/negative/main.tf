resource "azurerm_kubernetes_cluster" "main" {
  name                = "main"
  location            = "westeurope"
  resource_group_name = "rg-aks"
  dns_prefix          = "main"

  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2s_v3"
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "explicit" {
  name                              = "explicit"
  location                          = "westeurope"
  resource_group_name               = "rg-aks"
  dns_prefix                        = "explicit"
  role_based_access_control_enabled = true

  identity {
    type = "SystemAssigned"
  }
}
