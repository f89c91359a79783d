source "docker" "app" {
  image  = "ubuntu:22.04@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15"
  commit = true
}

build {
  sources = ["source.docker.app"]

  provisioner "shell" {
    env = {
      APP_ENV               = "production"
      AWS_SECRET_ACCESS_KEY = "k3Jd9Lw2Qz7Xv1Rt5Yp8Nb4Mc6Hf0Gs2Ue9Wa3Ti" # expect: IMP-PACKER-004
    }
    script = "scripts/install.sh"
  }
}
