role = "roles/viewer"
