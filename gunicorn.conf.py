"""gunicorn's settings when it runs from the project folder (`make bench` does).

A deployment's own settings file calls the same hook in its `post_worker_init`
(docs/deploy.md): each worker builds the library index before its first request, not while
the first readers wait.
"""

from proeftuin.library.current_index import build_at_start


def post_worker_init(worker):
    # The worker tells the master it is alive while the index is built (a few seconds at
    # national scale), so a slow build never gets it killed as stuck.
    build_at_start(worker.wsgi, heartbeat=worker.notify)
