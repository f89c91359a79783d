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
    environment_vars = [
      "APP_ENV=production",
      "DB_PASSWORD=${var.db_password}",
      "DB_PASSWORD_FILE=/run/secrets/db_password",
    ]
    env = {
      API_TOKEN = vault("secret/data/app", "token")
      SIGNING_KEY = aws_secretsmanager("prod/signing", null)
    }
    script = "scripts/install.sh"
  }
}
