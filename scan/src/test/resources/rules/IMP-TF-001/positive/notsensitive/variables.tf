variable "api_token" { # expect: IMP-TF-001
  type = string
}
