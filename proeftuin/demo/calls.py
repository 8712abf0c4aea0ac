"""The demo programmes' calls: per programme a closed round whose applications were all
decided, and an open one still taking them. Fictional, like all demo data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from proeftuin.dates import TIMEZONE
from proeftuin.extensions import db
from proeftuin.models import Call, CallCriterion, Pilot, Programme


@dataclass(frozen=True)
class DemoCall:
    """A call `opens_ago` days before seeding to `closes_ago` days before (negative: after)."""

    programme: str
    title: str
    text: str
    opens_ago: int
    closes_ago: int
    places: int
    criteria: tuple[tuple[str, str], ...]


_CRITERIA_IVM = (
    ("Samenwerking met mantelzorgers",
     "Mantelzorgers denken vanaf het begin mee en hebben een vaste plek aan tafel."),
    ("Vier disciplines aan tafel",
     "Huisarts, wijkverpleging, sociaal werk en gemeente doen alle vier mee."),
    ("Leren en delen", "De groep bespreekt echte casussen en wil lessen delen met anderen."),
)
_CRITERIA_LTHE = (
    ("Aandacht voor de laatste levensfase",
     "De groep werkt aan tijdig praten over wensen en aan zorg thuis tot het einde."),
    ("Samen casussen bespreken",
     "Beroepskrachten uit zorg en welzijn bespreken regelmatig samen een casus."),
    ("Haalbaarheid in één jaar", "De plannen passen in een proeftuin van ongeveer een jaar."),
)

CALLS = (
    DemoCall("ivm", "Ronde 2025",
             "Voor groepen die twee jaar willen werken aan de samenwerking tussen "
             "mantelzorgers en beroepskrachten rond ouderen thuis.",
             opens_ago=450, closes_ago=230, places=3, criteria=_CRITERIA_IVM),
    DemoCall("ivm", "Ronde 2026",
             "De tweede ronde: ook groepen die net beginnen zijn welkom. Het programma "
             "begeleidt de geselecteerde praktijken met leersessies en oogstmomenten.",
             opens_ago=75, closes_ago=-30, places=4, criteria=_CRITERIA_IVM),
    DemoCall("lthe", "Ronde 2024",
             "Voor netwerken die een jaar lang samen willen leren over zorg thuis in de "
             "laatste levensfase.",
             opens_ago=600, closes_ago=140, places=2, criteria=_CRITERIA_LTHE),
    DemoCall("lthe", "Ronde 2027",
             "Een nieuwe ronde van proeftuinen van één jaar.",
             opens_ago=10, closes_ago=-50, places=3, criteria=_CRITERIA_LTHE),
)


def seed_demo_calls(programmes: dict[str, Programme], pilots: list[Pilot],
                    now: datetime) -> list[Call]:
    """Add the calls; each pilot joins its programme's call open on the day it applied."""
    today = now.astimezone(ZoneInfo(TIMEZONE)).date()
    calls = []
    for spec in CALLS:
        call = Call(programme=programmes[spec.programme], title=spec.title, text=spec.text,
                    opens_on=today - timedelta(days=spec.opens_ago),
                    closes_on=today - timedelta(days=spec.closes_ago), places=spec.places,
                    created_at=now - timedelta(days=spec.opens_ago + 14))
        call.criteria = [CallCriterion(position=i, title=title, description=description)
                         for i, (title, description) in enumerate(spec.criteria, start=1)]
        db.session.add(call)
        calls.append(call)
    db.session.flush()
    for pilot in pilots:
        applied = pilot.created_at.astimezone(ZoneInfo(TIMEZONE)).date()
        pilot.call = next(call for call in calls if call.programme is pilot.programme
                          and call.opens_on <= applied <= call.closes_on)
    db.session.flush()
    return calls
