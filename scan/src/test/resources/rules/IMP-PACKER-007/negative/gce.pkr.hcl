source "googlecompute" "family" {
  project_id              = "acme-images"
  zone                    = "europe-west1-b"
  source_image_family     = "ubuntu-2204-lts"
  source_image_project_id = ["ubuntu-os-cloud"]
  ssh_username            = "packer"
}

source "googlecompute" "exact" {
  project_id   = "acme-images"
  zone         = "europe-west1-b"
  source_image = "ubuntu-2204-jammy-v20240319"
  ssh_username = "packer"
}

build {
  sources = ["source.googlecompute.family", "source.googlecompute.exact"]
}
