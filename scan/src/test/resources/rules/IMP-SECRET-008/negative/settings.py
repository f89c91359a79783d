STRIPE_KEY = 'sk_test_reBRgFcw8ScgH7f8wOzg88zi'
