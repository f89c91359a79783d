resource "azuread_service_principal_password" "batch" { # expect: IMP-AZURE-001
  service_principal_id = azuread_service_principal.batch.id
  end_date             = "2099-01-01T00:00:00Z"
}
