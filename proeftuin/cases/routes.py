"""Case discussions: list, log, read, print and change them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/werkplaats/<slug:slug>/casussen")
