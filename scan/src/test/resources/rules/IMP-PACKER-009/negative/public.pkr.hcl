source "docker" "app" {
  image  = "ubuntu:22.04@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15"
  commit = true
}

build {
  sources = ["source.docker.app"]

  provisioner "file" {
    source      = "keys/id_rsa.pub"
    destination = "/home/app/.ssh/authorized_keys"
  }

  provisioner "file" {
    source      = "tls/ca-bundle.pem"
    destination = "/etc/ssl/certs/acme-ca.pem"
  }

  provisioner "file" {
    source      = "/var/log/cloud-init.env"
    destination = "logs/cloud-init.env"
    direction   = "download"
  }
}
