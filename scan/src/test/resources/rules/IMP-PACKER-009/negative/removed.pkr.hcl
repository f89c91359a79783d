source "docker" "app" {
  image  = "ubuntu:22.04@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15"
  commit = true
}

build {
  sources = ["source.docker.app"]

  provisioner "file" {
    source      = "keys/id_ed25519"
    destination = "/tmp/id_ed25519"
  }

  provisioner "shell" {
    inline = [
      "GIT_SSH_COMMAND='ssh -i /tmp/id_ed25519' git clone git@github.com:acme/app.git /opt/app",
      "shred -u /tmp/id_ed25519",
    ]
  }
}
