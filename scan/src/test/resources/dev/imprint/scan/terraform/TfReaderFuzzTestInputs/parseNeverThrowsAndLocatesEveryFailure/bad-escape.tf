variable "x" {
  default = "\u12