resource "google_compute_firewall" "ssh" {
  name    = "allow-ssh"
  network = "default"

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }

  source_ranges = ["0.0.0.0/0"] # expect: IMP-GCP-013
}

resource "google_compute_firewall" "everything" {
  name    = "allow-all"
  network = google_compute_network.vpc.name

  allow {
    protocol = "all"
  }

  source_ranges = [
    "10.0.0.0/8",
    "::/0", # expect: IMP-GCP-013
  ]
}

# No source at all means 0.0.0.0/0.
resource "google_compute_firewall" "api" { # expect: IMP-GCP-013
  name    = "allow-api"
  network = "default"

  allow {
    protocol = "tcp"
    ports    = ["8443"]
  }
}
