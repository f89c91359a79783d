output "api_token" {
  value = nonsensitive(var.api_token)
}
