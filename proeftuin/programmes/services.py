"""Opening, changing and closing a programme's calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from proeftuin.extensions import db
from proeftuin.models import Call, CallCriterion, CallState, Programme
from proeftuin.models.base import utcnow


class CallError(ValueError):
    """A change a call cannot take; the form rules these out, bar a race."""


def _check(opens_on: date, closes_on: date, places: int,
           criteria: Sequence[tuple[str, str]]) -> None:
    if closes_on < opens_on:
        raise CallError("closes before it opens")
    if places < 1:
        raise CallError("no places")
    if not criteria:
        raise CallError("no criteria")


def open_call(programme: Programme, *, title: str, text: str, opens_on: date, closes_on: date,
              places: int, criteria: Sequence[tuple[str, str]]) -> Call:
    """Make a call of the programme; it takes applications from `opens_on` to `closes_on`."""
    _check(opens_on, closes_on, places, criteria)
    call = Call(programme=programme, title=title, text=text or "", opens_on=opens_on,
                closes_on=closes_on, places=places)
    _set_criteria(call, criteria)
    db.session.add(call)
    db.session.flush()
    return call


def change_call(call: Call, *, title: str, text: str, opens_on: date, closes_on: date,
                places: int, criteria: Sequence[tuple[str, str]]) -> Call:
    """Change a call's text, days, places and criteria; return it."""
    _check(opens_on, closes_on, places, criteria)
    call.title, call.text = title, text or ""
    call.opens_on, call.closes_on, call.places = opens_on, closes_on, places
    _set_criteria(call, criteria)
    db.session.flush()
    return call


def _set_criteria(call: Call, criteria: Sequence[tuple[str, str]]) -> None:
    # A criterion keeps its row (and so what was scored on it) while its place in the list
    # stays; rows beyond the new list go.
    kept = list(call.criteria)
    for position, (title, description) in enumerate(criteria, start=1):
        if position <= len(kept):
            criterion = kept[position - 1]
            criterion.title, criterion.description = title, description or ""
        else:
            call.criteria.append(CallCriterion(position=position, title=title,
                                               description=description or ""))
    for criterion in kept[len(criteria):]:
        call.criteria.remove(criterion)


def close_call(call: Call, today: date) -> None:
    """Close a call before its last day: it takes no more applications."""
    if call.state(today) is CallState.closed:
        raise CallError("already closed")
    call.closed_early_at = utcnow()
    db.session.flush()
