variable "db_password" {
  type      = string
  sensitive = true
}

source "docker" "app" {
  image  = "ubuntu:24.04"
  commit = true
}

build {
  sources = ["source.docker.app"]
  provisioner "shell" {
    environment_vars = ["DB_PASSWORD=${var.db_password}"]
    inline = [
      "mkdir -p /etc/app",
      "echo \"password=$DB_PASSWORD\" > /etc/app/db.conf"
    ]
  }
}
