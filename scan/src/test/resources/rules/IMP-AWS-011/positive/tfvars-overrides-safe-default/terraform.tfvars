actions   = ["*"]
resources = ["*"]
