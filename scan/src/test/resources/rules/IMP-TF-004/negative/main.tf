provider "github" {
  owner = "acme"
}

provider "google" {
  project = "acme-prod"
  region  = "europe-west1"
}

provider "datadog" {
  api_key = var.datadog_api_key
  app_key = var.datadog_app_key
}

provider "vault" {
  address = "https://vault.acme.example:8200"
  auth_login_jwt {
    role = "terraform"
  }
}

terraform {
  backend "gcs" {
    bucket = "acme-tfstate"
    prefix = "prod"
  }
}
