"""WSGI entry point for production servers: `gunicorn wsgi:app`."""
from forum import create_app

app = create_app()
