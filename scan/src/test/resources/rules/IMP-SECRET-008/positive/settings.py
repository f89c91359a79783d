STRIPE_KEY = 'sk_live_zrKpd4qBKH7mw2VbGpTGD3iz'
