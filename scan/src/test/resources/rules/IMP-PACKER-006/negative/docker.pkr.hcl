variable "base_image" {
  type = string
}

source "docker" "app" {
  image  = "ubuntu:22.04@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15"
  commit = true
}

source "docker" "from_var" {
  image  = var.base_image
  commit = true
}

build {
  sources = ["source.docker.app", "source.docker.from_var"]
}
