"""Administration: users and programmes."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.get("/")
def index():
    return "beheer"
