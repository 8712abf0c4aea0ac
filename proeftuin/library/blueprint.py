"""The library's blueprint, shared by its pages for people and its downloads for machines."""

from __future__ import annotations

from flask import Blueprint

from proeftuin.library.urls import public_lesson_url

bp = Blueprint("library", __name__, url_prefix="/bibliotheek")
bp.add_app_template_global(public_lesson_url)
