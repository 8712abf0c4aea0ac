"""WSGI entry point: `gunicorn wsgi:app`."""

from proeftuin import create_app
from proeftuin.personal_data.lexicon import lexicon

app = create_app()
# The guard's word lists (about 1 s in a child process, and 11 MB) are loaded as the worker
# starts, not while the first writer waits for a form to save.
lexicon()
