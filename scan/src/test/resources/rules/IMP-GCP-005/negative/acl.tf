resource "google_storage_bucket_acl" "site" {
  bucket = "acme-site"
  role_entity = [
    "OWNER:project-owners-123456789012",
    "READER:group-readers@acme.example",
  ]
}

resource "google_storage_object_acl" "report" {
  bucket         = "acme-reports"
  object         = "q3.pdf"
  predefined_acl = "projectPrivate"
}

resource "google_bigquery_dataset" "analytics" {
  dataset_id = "analytics"

  access {
    role          = "READER"
    special_group = "projectReaders"
  }
}
