project_id           = "acme-prod"
region               = "europe-west1"
db_password_secret   = "projects/acme-prod/secrets/db-password"
api_token_secret_id  = "api-token"
enable_private_nodes = true
node_pools = [
  {
    name         = "apps"
    machine_type = "e2-standard-4"
  },
]
