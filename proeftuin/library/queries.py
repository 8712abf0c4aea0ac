"""Read-side selects of the public library: only what a facilitator published."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, defer, joinedload, load_only, raiseload, selectinload

from proeftuin import search
from proeftuin.extensions import db
from proeftuin.models import (
    PROVEN_VERDICTS,
    PUBLIC_STATUSES,
    CarerQuestion,
    Lesson,
    LessonKind,
    LessonLevel,
    LessonReuse,
    LessonRevision,
    Pilot,
    Programme,
    ReuseVerdict,
    SolutionDirection,
    TargetGroup,
)
from proeftuin.models.base import MAX_ID
from proeftuin.models.lesson import revision_direction, revision_question, revision_target_group
from proeftuin.pilots.queries import WITHOUT_CONTACT
from proeftuin.search import text as search_text

#: The working copy and the source cases are not public. The public select refuses to load
#: them, so a template that tried to show them fails loudly in the tests instead of leaking.
PRIVATE = (
    *(defer(getattr(Lesson, name), raiseload=True)
      for name in ("title", "summary", "context", "body", "advice", "kind", "level", "evidence")),
    raiseload(Lesson.source_cases),
    raiseload(Lesson.reviews),
    raiseload(Lesson.questions),
    raiseload(Lesson.directions),
    raiseload(Lesson.target_groups),
)


def public_lesson(lesson_id: int) -> Lesson | None:
    """Return a lesson that is in the library, with its public revision and pilot, or None."""
    if not 0 < lesson_id <= MAX_ID:
        return None
    # The revision's few questions, directions and target groups: on PostgreSQL joined into
    # the one statement (three round trips fewer); SQLite's planner scans the link tables for
    # that join, so there they come in a statement each.
    links = joinedload if db.session.get_bind().dialect.name == "postgresql" else selectinload
    return db.session.scalars(
        sa.select(Lesson)
        .join(Lesson.pilot)
        .where(Lesson.id == lesson_id, Lesson.public_revision_id.is_not(None),
               Pilot.status.in_(PUBLIC_STATUSES))
        .options(
            *PRIVATE,
            contains_eager(Lesson.pilot).options(
                *WITHOUT_CONTACT,
                joinedload(Pilot.region),
                joinedload(Pilot.programme),
            ),
            joinedload(Lesson.public_revision).options(
                links(LessonRevision.questions),
                links(LessonRevision.directions),
                links(LessonRevision.target_groups),
            ),
        )
    ).unique().first()


# The library: search, filters and facets ---------------------------------------------------


class Order(enum.Enum):
    """How the library sorts; relevance only means something with a query."""

    relevance = "relevantie"
    newest = "nieuwste"
    reuse = "hergebruik"
    #: most pilots elsewhere that adopted or adapted it first
    proven = "bewezen"


@dataclass(frozen=True)
class LibrarySelection:
    """A validated selection of the library; None means "any"."""

    q: str | None = None
    direction: int | None = None
    question: int | None = None
    kind: LessonKind | None = None
    level: LessonLevel | None = None
    region_id: int | None = None
    programme_slug: str | None = None
    target_group_key: str | None = None
    year: int | None = None
    #: only lessons that another pilot reported to have reused
    reused: bool = False
    #: only lessons that another pilot adopted or adapted, months after it reused them
    proven: bool = False
    order: Order | None = None

    @property
    def words(self) -> list[str]:
        """The words of the query that can be searched for."""
        return search_text.query_words(self.q)

    @property
    def effective_order(self) -> Order:
        """The order asked for, or relevance with searchable words and newest without."""
        if self.order is Order.relevance and not self.words:
            return Order.newest
        return self.order or (Order.relevance if self.words else Order.newest)


#: the facets of the library, by URL parameter, in the order the page shows them
FACETS = ("richting", "vraag", "soort", "niveau", "regio", "programma", "doelgroep", "jaar",
          "bewezen")
#: the facet of lessons proven elsewhere: its one value, "1", counts them
PROVEN = "bewezen"


def in_library() -> sa.Select:
    """Return a select of the ids of the lessons in the library: published, of a public pilot."""
    return (
        sa.select(Lesson.id)
        .join(Pilot, Pilot.id == Lesson.pilot_id)
        .where(Lesson.public_revision_id.is_not(None), Pilot.status.in_(PUBLIC_STATUSES))
    )


def _year(column):
    return sa.extract("year", column)


def _visible_reuse(lesson_id=Lesson.id):
    return (sa.select(sa.func.count(sa.distinct(LessonReuse.pilot_id)))
            .join(Pilot, Pilot.id == LessonReuse.pilot_id)
            .where(LessonReuse.lesson_id == lesson_id, LessonReuse.hidden_at.is_(None),
                   Pilot.status.in_(PUBLIC_STATUSES)))


def _proven_reuse(lesson_id=Lesson.id):
    """How many pilots elsewhere adopted or adapted the lesson (their latest answer)."""
    return _visible_reuse(lesson_id).where(LessonReuse.verdict.in_(PROVEN_VERDICTS))


@dataclass(frozen=True)
class _Columns:
    """What the filters compare: columns of the joined tables, or of a set of hits."""

    lesson_id: sa.ColumnElement
    revision_id: sa.ColumnElement
    kind: sa.ColumnElement
    level: sa.ColumnElement
    region_id: sa.ColumnElement
    programme_id: sa.ColumnElement
    published_at: sa.ColumnElement


TABLES = _Columns(Lesson.id, Lesson.public_revision_id, LessonRevision.kind, LessonRevision.level,
                  Pilot.region_id, Pilot.programme_id, Lesson.first_published_at)


def _linked(revision_id, link: sa.Table, column: str, target, condition):
    """Whether the revision is linked to a reference row that meets the condition."""
    return (
        sa.select(link.c.lesson_revision_id)
        .join(target, target.id == link.c[column])
        .where(link.c.lesson_revision_id == revision_id, condition)
        .exists()
    )


def _filters(selection: LibrarySelection, skip: str | None = None,
             on: _Columns = TABLES) -> list:
    """Return the WHERE clauses of a selection, leaving out one facet's own filter."""
    clauses = []
    # EXISTS, not IN (subquery): given an IN list, SQLite's planner may probe an index once
    # per listed revision for every hit, which with a common word never finishes.
    if selection.direction is not None and skip != "richting":
        clauses.append(_linked(on.revision_id, revision_direction, "direction_id",
                               SolutionDirection, SolutionDirection.number == selection.direction))
    if selection.question is not None and skip != "vraag":
        clauses.append(_linked(on.revision_id, revision_question, "question_id",
                               CarerQuestion, CarerQuestion.number == selection.question))
    if selection.target_group_key is not None and skip != "doelgroep":
        clauses.append(_linked(on.revision_id, revision_target_group, "target_group_id",
                               TargetGroup, TargetGroup.key == selection.target_group_key))
    if selection.kind is not None and skip != "soort":
        clauses.append(on.kind == selection.kind)
    if selection.level is not None and skip != "niveau":
        clauses.append(on.level == selection.level)
    if selection.region_id is not None and skip != "regio":
        clauses.append(on.region_id == selection.region_id)
    if selection.programme_slug is not None and skip != "programma":
        clauses.append(on.programme_id.in_(
            sa.select(Programme.id).where(Programme.slug == selection.programme_slug)))
    if selection.year is not None and skip != "jaar":
        clauses.append(_year(on.published_at) == selection.year)
    if selection.reused:
        clauses.append(_visible_reuse(on.lesson_id).scalar_subquery() > 0)
    if selection.proven and skip != PROVEN:
        clauses.append(_proven_reuse(on.lesson_id).scalar_subquery() > 0)
    return clauses


def _public(*columns, selection: LibrarySelection, matches, skip: str | None = None,
            revision: bool = True):
    """Select from the library's lessons; `revision=False` leaves out the revisions' table,
    whose rows are mostly text, for selects that read none of its columns."""
    stmt = sa.select(*columns).select_from(Lesson)
    if revision:
        stmt = stmt.join(LessonRevision, LessonRevision.id == Lesson.public_revision_id)
    stmt = stmt.join(Pilot, Pilot.id == Lesson.pilot_id).where(
        Pilot.status.in_(PUBLIC_STATUSES), Lesson.public_revision_id.is_not(None),
        *_filters(selection, skip))
    if matches is not None:
        stmt = stmt.join(matches, matches.c.lesson_id == Lesson.id)
    return stmt


def _matches(selection: LibrarySelection, scored: bool = True):
    words = selection.words
    return search.matches(words, scored=scored) if words else None


#: what a library list shows of each lesson; nothing of the working copy
LISTED = (
    *PRIVATE,
    contains_eager(Lesson.public_revision).selectinload(LessonRevision.directions),
    contains_eager(Lesson.pilot).options(
        load_only(Pilot.id, Pilot.slug, Pilot.name, Pilot.municipality, Pilot.region_id,
                  Pilot.programme_id, Pilot.status, raiseload=True),
        joinedload(Pilot.region),
        joinedload(Pilot.programme),
    ),
)


def _ordered(stmt, order: Order, matches):
    newest = (Lesson.first_published_at.desc(), Lesson.id.desc())
    if order is Order.relevance and matches is not None:
        return stmt.order_by(matches.c.score.desc(), *newest)
    if order is Order.reuse:
        return stmt.order_by(_visible_reuse().scalar_subquery().desc(), *newest)
    if order is Order.proven:
        return stmt.order_by(_proven_reuse().scalar_subquery().desc(), *newest)
    return stmt.order_by(*newest)


def page_ids(selection: LibrarySelection, page: int, per_page: int) -> list[int]:
    """Return the ids of one page of the library's lessons that match the selection, in order.

    The page's ids are chosen from narrow rows, and only those lessons are loaded afterwards
    (`lessons_in_order`): ordering tens of thousands of hits with all their text was most of
    a search's time.
    """
    matches = _matches(selection)
    return list(db.session.scalars(
        _ordered(_public(Lesson.id, selection=selection, matches=matches,
                         revision=_reads_revision(selection)),
                 selection.effective_order, matches)
        .limit(per_page).offset((max(page, 1) - 1) * per_page)))


def _reads_revision(selection: LibrarySelection) -> bool:
    """Whether the selection filters on a column of the revisions' table itself."""
    return selection.kind is not None or selection.level is not None


#: a revision's Markdown texts, which a list of results does not show (it shows its snippet)
_REVISION_TEXTS = tuple(
    defer(getattr(LessonRevision, name), raiseload=True)
    for name in ("summary", "context", "body", "advice"))


def lessons_in_order(ids: list[int], all_links: bool = False,
                     texts: bool = True) -> list[Lesson]:
    """Return these lessons of the library, in this order, loaded as a library list needs
    (and with all links of their revisions, for the API; without their Markdown texts, for a
    page of results)."""
    if not ids:
        return []
    links = [contains_eager(Lesson.public_revision).options(
        selectinload(LessonRevision.questions), selectinload(LessonRevision.target_groups))
    ] if all_links else []
    if not texts:
        links.append(contains_eager(Lesson.public_revision).options(*_REVISION_TEXTS))
    found = {lesson.id: lesson for lesson in db.session.scalars(
        _public(Lesson, selection=LibrarySelection(), matches=None)
        .where(Lesson.id.in_(ids)).options(*LISTED, *links))}
    return [found[lesson_id] for lesson_id in ids if lesson_id in found]


def count_lessons(selection: LibrarySelection) -> int:
    """Return how many lessons match the selection, reading no text and ranking nothing."""
    ids = _public(Lesson.id, selection=selection, matches=_matches(selection, scored=False),
                  revision=_reads_revision(selection))
    return db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))


def all_lessons(selection: LibrarySelection):
    """Yield every lesson of the selection in its order, with all links of their revisions."""
    matches = _matches(selection)
    stmt = _ordered(
        _public(Lesson, selection=selection, matches=matches).options(
            *LISTED,
            contains_eager(Lesson.public_revision).options(
                selectinload(LessonRevision.questions),
                selectinload(LessonRevision.target_groups),
            ),
        ),
        selection.effective_order, matches,
    )
    yield from db.session.scalars(stmt.execution_options(yield_per=500))


def reuse_counts(lesson_ids: list[int]) -> dict[int, int]:
    """Return how many visible reports of reuse each of these lessons has (absent: none)."""
    if not lesson_ids:
        return {}
    rows = db.session.execute(
        sa.select(LessonReuse.lesson_id, sa.func.count(sa.distinct(LessonReuse.pilot_id)))
        .join(Pilot, Pilot.id == LessonReuse.pilot_id)
        .where(LessonReuse.lesson_id.in_(lesson_ids), LessonReuse.hidden_at.is_(None),
               Pilot.status.in_(PUBLIC_STATUSES))
        .group_by(LessonReuse.lesson_id)
    )
    return {lesson_id: count for lesson_id, count in rows}


@dataclass(frozen=True)
class ReuseOutcome:
    """What became of a lesson elsewhere: the pilots that reported reusing it, and how many
    of them adopted it, adapted it or dropped it, months later."""

    pilots: int = 0
    adopted: int = 0
    adapted: int = 0
    dropped: int = 0

    @property
    def proven(self) -> bool:
        """Adopted or adapted by at least one other pilot."""
        return bool(self.adopted or self.adapted)


def reuse_outcomes(lesson_ids: list[int]) -> dict[int, ReuseOutcome]:
    """Return what became of each of these lessons elsewhere, from the visible reports of
    public pilots (absent: never reused), in one query."""
    if not lesson_ids:
        return {}
    pilots = sa.func.count(sa.distinct(LessonReuse.pilot_id))
    rows = db.session.execute(
        sa.select(LessonReuse.lesson_id, pilots,
                  *(pilots.filter(LessonReuse.verdict == verdict) for verdict in ReuseVerdict))
        .join(Pilot, Pilot.id == LessonReuse.pilot_id)
        .where(LessonReuse.lesson_id.in_(lesson_ids), LessonReuse.hidden_at.is_(None),
               Pilot.status.in_(PUBLIC_STATUSES))
        .group_by(LessonReuse.lesson_id))
    found = {}
    for lesson_id, count, *by_verdict in rows:
        verdicts = dict(zip(ReuseVerdict, by_verdict, strict=True))
        found[lesson_id] = ReuseOutcome(count, verdicts[ReuseVerdict.adopted],
                                        verdicts[ReuseVerdict.adapted],
                                        verdicts[ReuseVerdict.dropped])
    return found


def facet_counts(selection: LibrarySelection) -> tuple[int, dict[str, dict[str, int]]]:
    """Count the lessons of the selection, and per value of every facet, in one query.

    A facet's counts apply every filter but its own, so each shows what choosing that
    value instead would give. The lessons that match the words are found once, as a
    common table the counts share: with a common word they are most of the library, and
    finding them eight times over was most of the time a search took.
    """
    hits = _public(
        Lesson.id.label("lesson_id"), LessonRevision.id.label("revision_id"),
        LessonRevision.kind.label("kind"), LessonRevision.level.label("level"),
        Pilot.region_id.label("region_id"), Pilot.programme_id.label("programme_id"),
        Lesson.first_published_at.label("published_at"),
        selection=LibrarySelection(), matches=_matches(selection, scored=False),
    ).cte("hits").prefix_with("MATERIALIZED")
    on = _Columns(hits.c.lesson_id, hits.c.revision_id, hits.c.kind, hits.c.level,
                  hits.c.region_id, hits.c.programme_id, hits.c.published_at)
    value = sa.String(40)

    def part(name, column, link=None, named=None):
        """One facet's counts per value of `column`, read from the hits (and a link table's
        rows); `named` (a reference table and its column) turns the ids counted into the
        facet's values afterwards, so the planner cannot start from the reference table."""
        counted = sa.select(column.label("counted"), sa.func.count().label("total"))
        counted = counted.select_from(hits)
        if link is not None:
            counted = counted.join(link, link.c.lesson_revision_id == hits.c.revision_id)
        counted = (counted.where(*_filters(selection, skip=name, on=on))
                   .group_by(column).subquery(f"counted_{name}"))
        label = counted.c.counted
        if named is not None:
            table, shown = named
            label = sa.select(shown).where(table.id == counted.c.counted).scalar_subquery()
        return sa.select(sa.literal(name, sa.String(20)).label("facet"),
                         sa.cast(label, value).label("value"), counted.c.total)

    parts = [
        part("richting", revision_direction.c.direction_id, revision_direction,
             (SolutionDirection, SolutionDirection.number)),
        part("vraag", revision_question.c.question_id, revision_question,
             (CarerQuestion, CarerQuestion.number)),
        part("soort", hits.c.kind),
        part("niveau", hits.c.level),
        part("regio", hits.c.region_id),
        part("programma", hits.c.programme_id, named=(Programme, Programme.slug)),
        part("doelgroep", revision_target_group.c.target_group_id, revision_target_group,
             (TargetGroup, TargetGroup.key)),
        part("jaar", _year(hits.c.published_at)),
        sa.select(sa.literal(PROVEN, sa.String(20)), sa.cast(sa.literal("1"), value),
                  sa.func.count()).select_from(hits)
        .where(*_filters(selection, skip=PROVEN, on=on),
               _proven_reuse(hits.c.lesson_id).scalar_subquery() > 0),
        sa.select(sa.literal("", sa.String(20)), sa.cast(sa.literal(""), value),
                  sa.func.count()).select_from(hits).where(*_filters(selection, on=on)),
    ]
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    total = 0
    for facet, facet_value, number in db.session.execute(sa.union_all(*parts)):
        if facet:
            if number:  # the proven facet's count is there even when none is
                counts[facet][_facet_key(facet_value)] = number
        else:
            total = number
    return total, counts


def _facet_key(value) -> str:
    # Enum columns come back as their value, years as numbers (a float on some databases).
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


#: related lessons are picked from this many of the newest lessons that share a direction,
#: and this many of the newest whose title shares a word: a bounded number, however large
#: the library, instead of scoring every lesson in it
RELATED_BY_DIRECTION = 100
RELATED_BY_TITLE = 50
#: how many related lessons a lesson's page lists
RELATED = 5


def related_lessons(lesson: Lesson, limit: int = RELATED) -> list[int]:
    """Return the ids of other public lessons that share the most directions and words with
    this one.

    Shared directions count first, then a shared title word, then the newest: the two
    databases score text on different scales, so no text score decides the order. The
    library index chooses the same in memory (`LibraryIndex.related`).
    """
    revision = lesson.public_revision
    direction_ids = {d.id for d in revision.directions}
    chosen_from = _related_candidates(lesson, direction_ids, title_words(revision))
    shared = (
        sa.select(sa.func.count())
        .where(revision_direction.c.lesson_revision_id == LessonRevision.id,
               revision_direction.c.direction_id.in_(direction_ids))
        .scalar_subquery()
    )
    # Rank the candidates on their titles and counts alone; load only the chosen few whole.
    # The title part finds the lesson itself too.
    rows = db.session.execute(
        _public(Lesson.id, Lesson.first_published_at, LessonRevision.title,
                shared.label("shared"), selection=LibrarySelection(), matches=None)
        .where(Lesson.id.in_(chosen_from), Lesson.id != lesson.id)
    ).all()
    title_stems = _title_stems(revision.title)

    def closeness(row):
        return (row.shared, bool(title_stems & _title_stems(row.title)),
                row.first_published_at, row.id)

    ranked = sorted((closeness(row) for row in rows), reverse=True)
    return [key[-1] for key in ranked if key[0] or key[1]][:limit]


def lesson_links(ids: list[int]) -> list[sa.Row]:
    """Return (lesson_id, title, pilot_name, municipality) of these lessons of the library, in
    this order: what a list of links to them shows, without loading them whole."""
    if not ids:
        return []
    rows = db.session.execute(
        _public(Lesson.id.label("lesson_id"), LessonRevision.title,
                Pilot.name.label("pilot_name"), Pilot.municipality,
                selection=LibrarySelection(), matches=None)
        .where(Lesson.id.in_(ids)))
    found = {row.lesson_id: row for row in rows}
    return [found[lesson_id] for lesson_id in ids if lesson_id in found]


def title_words(revision: LessonRevision) -> list[str]:
    """The distinct words of a revision's title that its related lessons may share."""
    return list(dict.fromkeys(search_text.words(revision.title)))


@lru_cache(maxsize=8192)
def _title_stems(title: str | None) -> frozenset[str]:
    # Each candidate's title is stemmed for every lesson it is a candidate of.
    return frozenset(search_text.stems(search_text.words(title)))


def _related_candidates(lesson: Lesson, direction_ids: set[int], words: list[str]):
    """A select of the lessons `related_lessons` chooses from, as the database finds them."""
    by_direction = (
        _public(Lesson.id, selection=LibrarySelection(), matches=None)
        .where(Lesson.id != lesson.id,
               sa.select(revision_direction.c.lesson_revision_id)
               .where(revision_direction.c.lesson_revision_id == Lesson.public_revision_id,
                      revision_direction.c.direction_id.in_(direction_ids)).exists())
        .order_by(Lesson.first_published_at.desc(), Lesson.id.desc())
        .limit(RELATED_BY_DIRECTION)
    )
    # Each part is limited on its own, so each is a subquery (SQLite wants no LIMIT in UNION).
    candidates = sa.select(by_direction.subquery())
    if words:
        candidates = sa.union(
            candidates, sa.select(search.title_matches(words, RELATED_BY_TITLE).subquery()))
    return candidates


def published_between(selection: LibrarySelection, after, until) -> list[tuple[int, object]]:
    """Return (id, first published) of the selection's lessons first published in the period
    (after `after`, up to and including `until`), for the followers' digests."""
    stmt = _public(Lesson.id, Lesson.first_published_at, selection=selection,
                   matches=_matches(selection, scored=False),
                   revision=_reads_revision(selection))
    return [tuple(row) for row in db.session.execute(
        stmt.where(Lesson.first_published_at > after, Lesson.first_published_at <= until))]
