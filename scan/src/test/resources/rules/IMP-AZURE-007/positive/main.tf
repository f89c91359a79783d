resource "azurerm_kubernetes_cluster" "main" {
  name                = "main"
  location            = "westeurope"
  resource_group_name = "rg-aks"
  dns_prefix          = "main"

  default_node_pool {
    name       = "system"
    node_count = 3
    vm_size    = "Standard_D4s_v5"
  }

  service_principal { # expect: IMP-AZURE-007
    client_id     = var.aks_client_id
    client_secret = var.aks_client_secret
  }
}
