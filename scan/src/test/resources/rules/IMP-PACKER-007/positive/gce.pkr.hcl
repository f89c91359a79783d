source "googlecompute" "app" {
  project_id          = "acme-images"
  zone                = "europe-west1-b"
  source_image_family = "ubuntu-2204-lts" # expect: IMP-PACKER-007
  ssh_username        = "packer"
  image_name          = "app-{{timestamp}}"
}

build {
  sources = ["source.googlecompute.app"]
}
