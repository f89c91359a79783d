terraform {
  backend "azurerm" {
    storage_account_name = "acmetfstate"
    container_name       = "tfstate"
    key                  = "prod.terraform.tfstate"
    access_key           = "mQ3v9ZpX2sL7tR1yW8nB4kJ6hG0fD5cA2eU9iO3pL7sK1xV4bN8mZ6qT0rY2wE5uI9oP3aS7dF1gH4jK8lQ==" # expect: IMP-AZURE-002
  }
}
