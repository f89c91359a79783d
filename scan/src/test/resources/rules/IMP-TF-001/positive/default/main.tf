variable "db_password" {
  type    = string
  default = "Zq8!rT2mPw" # expect: IMP-TF-001
}
