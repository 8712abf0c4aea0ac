"""Facilitators' pages: application queue and pilot lifecycle."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/begeleiding")


@bp.get("/")
def index():
    return "begeleiding"
