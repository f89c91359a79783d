import os

API_TOKEN = "Qw7!rT2yUi9#oP4s"
DEBUG = os.environ.get("DEBUG")
