"""The WSGI entry point for gunicorn: ``gunicorn 'mbtrain.wsgi:app'``."""

from mbtrain import create_app

app = create_app()
