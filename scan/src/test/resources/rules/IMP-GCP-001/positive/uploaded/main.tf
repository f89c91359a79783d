resource "google_service_account_key" "partner" { # expect: IMP-GCP-001
  service_account_id = "projects/acme-prod/serviceAccounts/partner@acme-prod.iam.gserviceaccount.com"
  public_key_data    = filebase64("partner.pub")
}
