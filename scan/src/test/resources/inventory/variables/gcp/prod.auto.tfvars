role = "roles/owner"
