resource "google_service_account_key" "legacy" {
  service_account_id = google_service_account.legacy.name
}

# Only the key's id and its public half leave the module; the private key goes to Secret Manager.
output "legacy_key_id" {
  value = google_service_account_key.legacy.id
}

output "legacy_public_key" {
  value = google_service_account_key.legacy.public_key
}

resource "google_secret_manager_secret_version" "legacy_key" {
  secret      = google_secret_manager_secret.legacy_key.id
  secret_data = base64decode(google_service_account_key.legacy.private_key)
}
