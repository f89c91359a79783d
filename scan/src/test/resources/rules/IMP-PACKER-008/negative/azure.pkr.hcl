source "azure-arm" "app" {
  use_azure_cli_auth                = true
  location                          = "westeurope"
  os_type                           = "Linux"
  image_publisher                   = "Canonical"
  image_offer                       = "0001-com-ubuntu-server-jammy"
  image_sku                         = "22_04-lts"
  image_version                     = "22.04.202403280"
  vm_size                           = "Standard_B2s"
  managed_image_name                = "app"
  managed_image_resource_group_name = "images"
}

source "azure-arm" "gallery" {
  use_azure_cli_auth = true
  location           = "westeurope"
  os_type            = "Linux"
  shared_image_gallery {
    subscription   = "00000000-0000-0000-0000-000000000000"
    resource_group = "images"
    gallery_name   = "base"
    image_name     = "ubuntu"
    image_version  = "1.4.2"
  }
  vm_size            = "Standard_B2s"
}

build {
  sources = ["source.azure-arm.app", "source.azure-arm.gallery"]
}
