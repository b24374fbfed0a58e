"""Entry point for gunicorn and `flask --app wsgi`."""

from mall import create_app

app = create_app()
