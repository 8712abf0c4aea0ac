"""WSGI entry point: `gunicorn wsgi:app`."""

from proeftuin import create_app

app = create_app()
