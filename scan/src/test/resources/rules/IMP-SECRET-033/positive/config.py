db_password = "orxZRHNN!TTZgToZn"
