source "azure-arm" "app" {
  use_azure_cli_auth                = true
  location                          = "westeurope"
  os_type                           = "Linux"
  image_publisher                   = "Canonical"
  image_offer                       = "0001-com-ubuntu-server-jammy"
  image_sku                         = "22_04-lts"
  image_version                     = "latest" # expect: IMP-PACKER-008
  vm_size                           = "Standard_B2s"
  managed_image_name                = "app"
  managed_image_resource_group_name = "images"
}

build {
  sources = ["source.azure-arm.app"]
}
