"""Addresses of static files that change whenever the file does.

`url_for("static", filename=...)` gets `?v=` and the first digits of the file's SHA-256, so
a proxy may let browsers keep static files for a year (docs/deploy.md): after an upgrade a
changed stylesheet has a new address, and nobody sees old CSS on new pages.
"""

from __future__ import annotations

import hashlib
import stat
from functools import lru_cache
from pathlib import Path

from flask import Flask

#: hex digits of the hash in the address: enough to tell versions of one file apart
DIGITS = 12


def version_of(folder: Path, filename: str) -> str | None:
    """Return the version of a file in the folder, or None when there is no such file."""
    path = (folder / filename).resolve()
    if not path.is_relative_to(folder.resolve()):
        return None
    try:
        info = path.stat()
        return _hash(path, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None
    except OSError:
        return None


@lru_cache(maxsize=1024)
def _hash(path: Path, modified: int) -> str:
    # Keyed on the modification time as well, so an edited file gets a new version without a
    # restart (the development server); in production each file is read once per worker.
    return hashlib.sha256(path.read_bytes()).hexdigest()[:DIGITS]


def init_app(app: Flask) -> None:
    """Give every static file address the version of its file."""
    folder = Path(app.static_folder)

    @app.url_defaults
    def _versioned(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = version_of(folder, values.get("filename", ""))
            if version:
                values["v"] = version
