"""WSGI entry point: `gunicorn api:app` (`screening serve` does the same with the project's settings)."""
from screening.web import create_app

app = create_app()
