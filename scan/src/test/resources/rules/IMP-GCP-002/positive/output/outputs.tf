output "ci_key" {
  value     = base64decode(google_service_account_key.ci.private_key) # expect: IMP-GCP-002
  sensitive = true
}
