resource "google_container_cluster" "legacy" {
  name               = "legacy"
  location           = "europe-west1"
  initial_node_count = 1
  enable_legacy_abac = true # expect: IMP-GCP-015
}
