resource "aws_secretsmanager_secret_version" "api" {
  secret_id     = aws_secretsmanager_secret.api.id
  secret_string = "9Kq2vLm7XtZ4pW8r" # expect: IMP-TF-002
}

resource "aws_ssm_parameter" "db" {
  name  = "/orders/db/password"
  type  = "SecureString"
  value = "Hv3xT9qLz2Mk" # expect: IMP-TF-002
}
