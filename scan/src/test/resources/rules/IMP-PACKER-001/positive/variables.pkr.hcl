variable "db_password" {
  type        = string
  description = "Password of the application database user"
}

variable "region" {
  type    = string
  default = "eu-west-1"
}
