locals {
  a = var.x == null ? [] : [for i, v in var.x : v.id if v.enabled]
  b = { for k, v in var.m : k => v... }
  c = aws_instance.web[*].private_ip
  d = -1 + 2 * (3 - var.n) % 4 >= 0 && !var.off || var.on
  e = module.vpc.subnets[0].id
  f = try(local.missing, "default")
  g = 
}
