variable "max_password_age" {
  description = "The number of days that an user password is valid"
  type        = number
  default     = 90
}

variable "password_reuse_prevention" {
  type    = number
  default = 24
}

variable "create_secret" {
  type    = bool
  default = true
}

variable "db_password" {
  description = "Master password"
  type        = string
  default     = "Tq8vL3xZ7mWr2NpK"
}
