resource "google_sql_database_instance" "main" {
  name             = "orders"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-f1-micro"

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.vpc.id

      authorized_networks {
        name  = "office"
        value = "203.0.113.0/24"
      }
    }
  }
}
