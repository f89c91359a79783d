variable "db_password" {
  type      = string
  sensitive = true
}

# Not a secret: a path to a file and the name of a secret in a store.
variable "ssh_private_key_file" {
  type    = string
  default = "~/.ssh/packer"
}

variable "db_password_secret_name" {
  type    = string
  default = "prod/app/db"
}
