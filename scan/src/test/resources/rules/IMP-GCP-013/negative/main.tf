resource "google_compute_firewall" "iap_ssh" {
  name    = "allow-iap-ssh"
  network = "default"

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }

  source_ranges = ["35.235.240.0/20"]
}

resource "google_compute_firewall" "internal" {
  name    = "allow-internal"
  network = "default"

  allow {
    protocol = "tcp"
  }

  source_tags = ["web"]
}

resource "google_compute_firewall" "egress" {
  name               = "allow-egress"
  network            = "default"
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}

resource "google_compute_firewall" "deny_all" {
  name          = "deny-all"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]

  deny {
    protocol = "all"
  }
}

resource "google_compute_firewall" "ping" {
  name          = "allow-ping"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "icmp"
  }
}
