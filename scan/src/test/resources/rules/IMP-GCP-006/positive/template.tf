resource "google_compute_instance_template" "workers" {
  machine_type = "e2-standard-4"

  disk {
    source_image = "projects/acme/global/images/worker-v7"
  }

  network_interface {
    network = "default"
  }

  service_account {
    email  = "123456789012-compute@developer.gserviceaccount.com"
    scopes = ["https://www.googleapis.com/auth/cloud-platform"] # expect: IMP-GCP-006
  }
}
