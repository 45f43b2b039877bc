"""WSGI entry point of an installed copy: `gunicorn forum.wsgi:app` (from any directory)."""
from . import create_app

app = create_app()
