resource "google_container_cluster" "main" {
  name               = "main"
  location           = "europe-west1"
  initial_node_count = 1
  enable_legacy_abac = false
}

resource "google_container_cluster" "default" {
  name               = "default"
  location           = "europe-west1"
  initial_node_count = 1
}
