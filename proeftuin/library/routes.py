"""Public pages of published lessons."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("library", __name__, url_prefix="/bibliotheek")
