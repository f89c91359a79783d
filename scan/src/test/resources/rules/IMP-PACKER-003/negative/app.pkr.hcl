source "docker" "app" {
  image  = "ubuntu:22.04@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15"
  commit = true
}

variable "db_password" {
  type      = string
  sensitive = true
}

build {
  sources = ["source.docker.app"]

  provisioner "shell" {
    inline = [
      "mysql --user=app --password=${var.db_password} -e 'CREATE DATABASE app'",
      "export API_TOKEN=$(cat /run/secrets/api_token)",
      "echo ${vault("secret/data/app", "token")} | docker login --password-stdin registry.internal",
      "export SIGNING_KEY=${aws_secretsmanager("prod/signing", null)}",
    ]
  }
}
