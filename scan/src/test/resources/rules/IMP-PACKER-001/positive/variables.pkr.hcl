variable "db_password" { # expect: IMP-PACKER-001
  type        = string
  description = "Password of the application database user"
}

variable "region" {
  type    = string
  default = "eu-west-1"
}
