# The default is Owner, but terraform.tfvars assigns Reader: Terraform applies that.
variable "role" {
  default = "Owner"
}

resource "azurerm_role_assignment" "ci" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = var.role
  principal_id         = "11111111-1111-1111-1111-111111111111"
}
