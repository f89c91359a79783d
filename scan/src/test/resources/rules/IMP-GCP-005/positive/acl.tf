resource "google_storage_bucket_acl" "site" {
  bucket = "acme-site"
  role_entity = [
    "OWNER:project-owners-123456789012",
    "READER:allUsers", # expect: IMP-GCP-005
  ]
}

resource "google_storage_object_acl" "report" {
  bucket         = "acme-reports"
  object         = "q3.pdf"
  predefined_acl = "publicRead" # expect: IMP-GCP-005
}

resource "google_storage_default_object_access_control" "public" {
  bucket = "acme-site"
  role   = "READER"
  entity = "allAuthenticatedUsers" # expect: IMP-GCP-005
}

resource "google_bigquery_dataset" "open_data" {
  dataset_id = "open_data"

  access {
    role          = "OWNER"
    user_by_email = "owner@acme.example"
  }

  access {
    role          = "READER"
    special_group = "allAuthenticatedUsers" # expect: IMP-GCP-005
  }
}

resource "google_bigquery_dataset_access" "public" {
  dataset_id = "open_data"
  role       = "READER"
  iam_member = "allUsers" # expect: IMP-GCP-005
}
