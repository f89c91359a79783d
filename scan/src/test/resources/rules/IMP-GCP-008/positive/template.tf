resource "google_compute_instance_template" "workers" {
  machine_type = "e2-standard-4"

  disk {
    source_image = "projects/acme/global/images/worker-v7"
  }

  network_interface {
    network = "default"
  }

  metadata = {
    user-data = "API_TOKEN=tok_9fK2mQx7LpR4vZ8w\n" # expect: IMP-GCP-008
  }
}
