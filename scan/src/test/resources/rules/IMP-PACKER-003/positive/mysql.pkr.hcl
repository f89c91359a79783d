source "docker" "db" {
  image  = "mariadb:11@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15"
  commit = true
}

build {
  sources = ["source.docker.db"]

  provisioner "shell" {
    inline = [
      "service mariadb start",
      "mysql -uroot -pRoboShop1 -e 'CREATE DATABASE shop'", # expect: IMP-PACKER-003
      "sshpass -p 'Qp4mZt8w' scp /tmp/dump.sql backup@10.0.0.5:", # expect: IMP-PACKER-003
    ]
  }
}
