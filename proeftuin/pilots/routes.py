"""Public pilot list and profiles, and the application form."""

from flask import Blueprint

bp = Blueprint("pilots", __name__)


@bp.get("/proeftuinen/")
def index():
    return "pilots"


@bp.get("/proeftuinen/<slug>")
def show(slug):
    return slug


@bp.route("/aanmelden", methods=["GET", "POST"])
def apply():
    return "apply"
