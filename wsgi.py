"""WSGI entry point: `gunicorn wsgi:app`, or `flask run` from the project root."""

from app import create_app

app = create_app()
