resource "google_compute_instance" "web" {
  name         = "web-1"
  machine_type = "e2-medium"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "projects/acme/global/images/web-v42"
    }
  }

  network_interface {
    network = "default"
  }

  # A dedicated service account may keep the cloud-platform scope: IAM limits it.
  service_account {
    email  = google_service_account.web.email
    scopes = ["cloud-platform"]
  }
}

# The default account with narrow legacy scopes is not this rule's concern.
resource "google_compute_instance" "legacy" {
  name         = "legacy-1"
  machine_type = "e2-small"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "projects/acme/global/images/legacy-v3"
    }
  }

  network_interface {
    network = "default"
  }

  service_account {
    scopes = ["logging-write", "monitoring-write"]
  }
}

resource "google_container_node_pool" "apps" {
  name    = "apps"
  cluster = google_container_cluster.main.id

  node_config {
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
  }
}
