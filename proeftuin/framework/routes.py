"""The public framework pages."""

from flask import Blueprint

bp = Blueprint("framework", __name__, url_prefix="/kader")


@bp.get("/")
def index():
    return "kader"


@bp.get("/richting/<int:number>")
def direction(number):
    return str(number)


@bp.get("/vraag/<int:number>")
def question(number):
    return str(number)
