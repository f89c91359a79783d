resource "aws_secretsmanager_secret_version" "api" {
  secret_id     = aws_secretsmanager_secret.api.id
  secret_string = random_password.api.result
}

resource "aws_ssm_parameter" "region" {
  name  = "/orders/region"
  type  = "String"
  value = "eu-west-1b7"
}

resource "google_secret_manager_secret_version" "placeholder" {
  secret      = google_secret_manager_secret.api.id
  secret_data = "CHANGE_ME"

  lifecycle {
    ignore_changes = [secret_data]
  }
}
