db_password = os.environ["DB_PASSWORD"]
api_token = get_token()
secret_name = "billing-db"
