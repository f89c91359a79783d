resource "google_compute_instance" "api" {
  name         = "api-1"
  machine_type = "e2-medium"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "projects/acme/global/images/api-v3"
    }
  }

  network_interface {
    network = "default"
  }

  metadata_startup_script = <<-EOT
    #!/bin/bash
    export DB_PASSWORD=Vq7rT2xLp9sK4wZ
    systemctl start api
  EOT
}
