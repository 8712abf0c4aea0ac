"""The database keeps a request's changes whole: all of them or none."""

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import Agreement


def _agreements(pilot) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Agreement.party).where(Agreement.pilot_id == pilot.id)).all()


def test_a_savepoint_that_opens_a_transaction_is_undone_when_it_rolls_back(make):
    """On SQLite the driver began no transaction for a SAVEPOINT, so its RELEASE committed."""
    pilot = make.pilot()
    db.session.commit()

    with db.session.begin_nested():  # the first statement of the transaction
        db.session.add(Agreement(pilot=pilot, party="Huisarts", commitment="Belt terug."))
    db.session.add(Agreement(pilot=pilot, party="Wijkteam", commitment="Komt langs."))
    db.session.flush()
    db.session.rollback()

    assert _agreements(pilot) == []


def test_a_savepoint_inside_a_transaction_commits_with_it(make):
    pilot = make.pilot()
    db.session.commit()

    db.session.add(Agreement(pilot=pilot, party="Wijkteam", commitment="Komt langs."))
    db.session.flush()
    with db.session.begin_nested():
        db.session.add(Agreement(pilot=pilot, party="Huisarts", commitment="Belt terug."))
    db.session.commit()

    assert sorted(_agreements(pilot)) == ["Huisarts", "Wijkteam"]
