output "iam_access_key_encrypted_secret" {
  description = "The encrypted secret, base64 encoded"
  value       = aws_iam_access_key.this.encrypted_secret
}

output "iam_access_key_key_fingerprint" {
  value = aws_iam_access_key.this.key_fingerprint
}

output "iam_access_key_status" {
  value = aws_iam_access_key.this.status
}

output "password_reset_required" {
  value = aws_iam_user_login_profile.this.password_reset_required
}

output "secret_count" {
  value = length(aws_secretsmanager_secret.this)
}

output "iam_access_key_secret" {
  value = aws_iam_access_key.this.secret
}
