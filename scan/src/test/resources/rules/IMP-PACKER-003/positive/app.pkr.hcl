source "docker" "app" {
  image  = "ubuntu:22.04@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15"
  commit = true
}

build {
  sources = ["source.docker.app"]

  provisioner "shell" {
    inline = [
      "apt-get update",
      "mysql --user=app --password=Zq8vR2pL9wXk -e 'CREATE DATABASE app'", # expect: IMP-PACKER-003
    ]
  }
}
