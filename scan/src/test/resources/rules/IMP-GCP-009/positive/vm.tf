resource "google_compute_instance" "agent" {
  name         = "agent-1"
  machine_type = "e2-small"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network = "default"
  }

  metadata = {
    startup-script = "curl -fsSL https://get.agent.example/install.sh | sudo bash" # expect: IMP-GCP-009
  }
}
