resource "azurerm_network_security_group" "vm" {
  name                = "vm-nsg"
  location            = "westeurope"
  resource_group_name = "rg-app"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*" # expect: IMP-AZURE-008
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
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_ranges     = ["443", "3380-3390"]
  source_address_prefixes     = ["10.0.0.0/8", "Internet"] # expect: IMP-AZURE-008
  destination_address_prefix  = "*"
  resource_group_name         = "rg-app"
  network_security_group_name = azurerm_network_security_group.vm.name
}

resource "azurerm_network_security_rule" "any" {
  name                        = "any"
  priority                    = 130
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "0.0.0.0/0" # expect: IMP-AZURE-008
  destination_address_prefix  = "*"
  resource_group_name         = "rg-app"
  network_security_group_name = azurerm_network_security_group.vm.name
}
