# Owner at the subscription, with the role and the subscription held in variables and a local.
variable "role" {
  default = "Owner"
}

variable "subscription_id" {
  default = "00000000-0000-0000-0000-000000000000"
}

locals {
  scope = "/subscriptions/${var.subscription_id}"
}

resource "azurerm_role_assignment" "ci" {
  scope                = local.scope # expect: IMP-AZURE-003
  role_definition_name = var.role
  principal_id         = "11111111-1111-1111-1111-111111111111"
}
