source "docker" "app" {
  image  = "ubuntu:22.04" # expect: IMP-PACKER-006
  commit = true
}

build {
  sources = ["source.docker.app"]
}
