variable "registry_token" {
  type      = string
  sensitive = true
}

source "docker" "base" {
  image  = "ubuntu@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  commit = true
}

build {
  sources = ["source.docker.base"]
  provisioner "shell" {
    inline = [<<-EOT
      cat > /root/.npmrc <<EOF
      //registry.npmjs.org/:_authToken=${var.registry_token}
      EOF
    EOT
    ]
  }
}
