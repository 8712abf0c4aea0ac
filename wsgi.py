"""WSGI entry point: `gunicorn wsgi:app`."""

from proeftuin import create_app
from proeftuin.library import current_index
from proeftuin.personal_data.lexicon import lexicon

app = create_app()
# The guard's word lists (about 0.8 s and 18 MB) are loaded as the worker starts, not
# while the first writer waits for a form to save.
lexicon()
# The library in memory (new searches from arrays, not the database) is built before the
# worker takes its first request, not while the first readers wait.
current_index.build_at_start(app)
