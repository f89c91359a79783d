provider "google" {
  project     = "acme-prod"
  region      = "europe-west1"
  credentials = file("terraform-sa-key.json") # expect: IMP-TF-004
}
