"""WSGI entry point: ``gunicorn wsgi:app``."""

from lms import create_app
from lms.core.i18n import load_every_language

app = create_app()
load_every_language(app)   # each worker reads the seven languages once, before its first page
