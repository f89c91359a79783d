variable "api_token" {
  type      = string
  sensitive = true
  default   = ""
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "changeme"
}

variable "signing_key" {
  type      = string
  sensitive = true
  default   = null
}
