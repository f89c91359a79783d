output "api_token" {
  value = nonsensitive(var.api_token) # expect: IMP-TF-003
}
