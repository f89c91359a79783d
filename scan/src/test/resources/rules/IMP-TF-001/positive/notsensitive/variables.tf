variable "api_token" {
  type = string
}
