actions = ["s3:GetObject", "s3:ListBucket"]
