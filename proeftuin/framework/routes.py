"""The public framework pages: questions, directions, the pilots on them and their lessons."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from proeftuin.framework import queries

bp = Blueprint("framework", __name__, url_prefix="/kader")


@bp.get("/")
def index():
    """Show the three carer questions and the ten solution directions, with their counts."""
    return render_template(
        "framework/index.html",
        questions=queries.questions_with_pilot_counts(),
        directions=queries.directions_with_pilot_counts(),
        question_lessons=queries.lesson_counts_by_question(),
        direction_lessons=queries.lesson_counts_by_direction(),
    )


@bp.get("/richting/<int:number>")
def direction(number: int):
    """Show one solution direction, its newest lessons and what public pilots take on in it."""
    direction = queries.direction_by_number(number)
    if direction is None:
        abort(404)
    return render_template(
        "framework/direction.html",
        direction=direction,
        work=queries.public_work_on_direction(direction),
        lessons=queries.lessons_on_direction(direction),
    )


@bp.get("/vraag/<int:number>")
def question(number: int):
    """Show one carer question, its newest lessons and the public pilots working on it."""
    question = queries.question_by_number(number)
    if question is None:
        abort(404)
    return render_template(
        "framework/question.html",
        question=question,
        pilots_on_question=queries.public_pilots_on_question(question),
        lessons=queries.lessons_on_question(question),
    )
