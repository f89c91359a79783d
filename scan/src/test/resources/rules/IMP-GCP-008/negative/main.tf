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

  service_account {
    email  = google_service_account.api.email
    scopes = ["cloud-platform"]
  }

  metadata_startup_script = <<-EOT
    #!/bin/bash
    export DB_PASSWORD="$(gcloud secrets versions access latest --secret=api-db)"
    export DB_PASSWORD_SECRET=projects/acme/secrets/api-db
    export API_TOKEN=${var.api_token_placeholder}
    systemctl start api
  EOT
}
