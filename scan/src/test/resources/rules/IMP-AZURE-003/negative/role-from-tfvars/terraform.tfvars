role = "Reader"
