"""Lessons: writing them in the workspace and reviewing them as a facilitator."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lessons", __name__)
