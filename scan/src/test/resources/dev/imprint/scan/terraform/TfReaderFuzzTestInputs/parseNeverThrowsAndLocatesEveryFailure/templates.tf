output "x" {
  value = "a-${var.a}-${jsonencode({ k = "v-${local.b}" })}-$${literal}-%{ if var.c }yes%{ else }no%{ endif }"
  sensitive = var.flag ? true : false
}
