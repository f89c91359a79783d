project_id  = "acme-prod"
region      = "europe-west1"
db_password = "Tq8vL2xZ7pKm" # expect: IMP-TF-002
