import os

SECRET_KEY = os.environ["SECRET_KEY"]
# DB_PASSWORD = "devpass123"
STRIPE_WEBHOOK_SECRET = "whsec_9kQ2mZr7Lp4xV8nT1bW6yH3c"
API_TOKEN = "your-api-token-here"
