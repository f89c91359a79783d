variable "api_token" {
  type      = string
  sensitive = true
  default   = "q7Vf2LmX9pRz4TkW8sNc" # expect: IMP-PACKER-002
}
