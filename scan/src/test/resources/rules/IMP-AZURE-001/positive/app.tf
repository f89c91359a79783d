resource "azuread_application" "ci" {
  display_name = "ci-deployer"
}

resource "azuread_application_password" "ci" { # expect: IMP-AZURE-001
  application_id = azuread_application.ci.id
}
