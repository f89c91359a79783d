packer {
  required_plugins {
    docker = {
      version = ">= 1.0.8"
      source  = "github.com/hashicorp/docker"
    }
  }
}

variable "registry_password" {
  type      = string
  sensitive = true
}

source "docker" "db" {
  image  = "mariadb:11.4@sha256:9f1ab5c3d2e4f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d5e6f70"
  commit = true
}

build {
  sources = ["source.docker.db"]

  provisioner "shell" {
    inline = [
      "service mariadb start",
      "mysql -uroot -pMar1aRoot -e 'CREATE DATABASE inventory'",
      "PGPASSWORD=Pg5eedLoad psql -h 10.0.3.7 -U loader -c 'select 1'",
      "curl -fsSL https://tools.example.org/setup.sh | sudo bash",
      "echo \"$REGISTRY_PASSWORD\" | docker login -u ci --password-stdin registry.example.org",
    ]
    environment_vars = ["REGISTRY_PASSWORD=${var.registry_password}"]
  }
}
