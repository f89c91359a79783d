token = var.tfc_token
