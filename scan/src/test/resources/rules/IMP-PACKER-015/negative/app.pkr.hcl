variable "db_password" {
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
    environment_vars = ["DB_PASSWORD=${var.db_password}", "APP_HOME=/opt/app"]
    inline = [
      "echo \"app home is $APP_HOME\" > /etc/app/home.conf",
      "psql \"postgres://app@db/app\" -c 'select 1' > /dev/null",
      "install -m 0755 /tmp/fetch-db-secret.sh /usr/local/bin/fetch-db-secret"
    ]
  }
}
