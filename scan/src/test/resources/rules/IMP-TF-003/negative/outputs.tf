output "db_password" {
  value     = random_password.db.result
  sensitive = true
}

output "db_secret_arn" {
  value = aws_secretsmanager_secret.db.arn
}

output "db_password_secret_name" {
  value = var.db_password_secret_name
}

output "token_fingerprint" {
  value = sha256(var.api_token)
}

output "endpoint" {
  value = aws_db_instance.main.endpoint
}
