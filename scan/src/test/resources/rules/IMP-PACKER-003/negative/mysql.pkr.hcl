variable "db_password" {
  type      = string
  sensitive = true
}

source "docker" "db" {
  image  = "mariadb:11@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15"
  commit = true
}

build {
  sources = ["source.docker.db"]

  provisioner "shell" {
    environment_vars = ["MYSQL_PWD=${var.db_password}"]
    inline = [
      "mysql -uroot -p${var.db_password} -e 'CREATE DATABASE shop'",
      "mysql -uroot -p\"$MYSQL_ROOT_PASSWORD\" -e 'SELECT 1'",
      "mysql -u root -p < /tmp/schema.sql",
      "echo \"$REGISTRY_TOKEN\" | docker login -u ci --password-stdin registry.example.com",
    ]
  }
}
