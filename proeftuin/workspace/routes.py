"""A pilot's workspace: profile, framework mapping, organisations, agreements, members."""

from flask import Blueprint

bp = Blueprint("workspace", __name__, url_prefix="/werkplaats")


@bp.get("/")
def mine():
    return "mine"
