import psycopg2

DB_HOST = "orders-db"
DB_USER = "etl"
DB_PASSWORD = "bluewhale"
PASSWORD_ENV = "ORDERS_DB_PASSWORD"
LDAP_PASSWORD_ATTRIBUTE = "userPassword"


def connect():
    return psycopg2.connect(host=DB_HOST, user=DB_USER, password=DB_PASSWORD)


def connect_reporting():
    return psycopg2.connect(host="reporting-db", user="report", passwd="rep0rts2024")
