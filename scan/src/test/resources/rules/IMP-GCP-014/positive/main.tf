resource "google_sql_database_instance" "main" {
  name             = "orders"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-f1-micro"

    ip_configuration {
      ipv4_enabled = true

      authorized_networks {
        name  = "office"
        value = "203.0.113.0/24"
      }

      authorized_networks {
        name  = "anyone"
        value = "0.0.0.0/0" # expect: IMP-GCP-014
      }
    }
  }
}
