resource "azurerm_network_security_group" "web" {
  name                = "web"
  location            = var.location
  resource_group_name = var.rg

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "https"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  priority                    = 120
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = var.rg
  network_security_group_name = azurerm_network_security_group.web.name
}

resource "azurerm_role_definition" "everything" {
  name  = "everything"
  scope = data.azurerm_subscription.current.id
  permissions {
    actions     = ["*"]
    not_actions = []
  }
  assignable_scopes = [data.azurerm_subscription.current.id]
}

resource "azurerm_role_definition" "reader" {
  name  = "vm-reader"
  scope = data.azurerm_subscription.current.id
  permissions {
    actions = ["Microsoft.Compute/virtualMachines/read"]
  }
  assignable_scopes = [data.azurerm_subscription.current.id]
}

resource "azurerm_kubernetes_cluster" "main" {
  name                              = "main"
  location                          = var.location
  resource_group_name               = var.rg
  dns_prefix                        = "main"
  role_based_access_control_enabled = false
  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_container_registry" "acr" {
  name                = "shopacr"
  resource_group_name = var.rg
  location            = var.location
  sku                 = "Premium"
}

resource "azurerm_key_vault_secret" "db" {
  name         = "db-password"
  value        = "Hn5qW8zT3vLx6RkP"
  key_vault_id = azurerm_key_vault.main.id
}

resource "azurerm_key_vault_secret" "api" {
  name         = "api-key"
  value        = var.api_key
  key_vault_id = azurerm_key_vault.main.id
}
