# Example deployment settings. `make run` writes instance/config.py with a random SECRET_KEY
# on first start; copy lines from here into it to change a setting. Environment variables
# (DATABASE_URL, HUEY_URL, SECRET_KEY, LINLI_*) override this file.
SECRET_KEY = "change-me"  # never commit the real one
LINLI_DEPLOYMENT_ID = "change-me-32-hex"  # calendar UIDs end in it; never change it
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://linli@127.0.0.1:5432/linli"
# LINLI_TIMEZONE = "Asia/Shanghai"
# LINLI_DEFAULT_LOCALE = "zh_CN"
# LINLI_EXTERNAL_URL = "https://linli.example.org"
