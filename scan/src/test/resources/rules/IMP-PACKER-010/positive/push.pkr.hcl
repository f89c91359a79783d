source "docker" "app" {
  image  = "ubuntu:22.04@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15"
  commit = true
}

build {
  sources = ["source.docker.app"]

  post-processors {
    post-processor "docker-tag" {
      repository = "registry.acme.internal/app"
      tags       = ["1.4.2"]
    }
    post-processor "docker-push" {
      login          = true
      login_server   = "registry.acme.internal"
      login_username = "ci"
      login_password = "Pu5h!Registry2024" # expect: IMP-PACKER-010
    }
  }
}
