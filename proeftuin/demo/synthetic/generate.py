"""Build a large synthetic data set with bulk inserts, for benchmarks at national scale.

Rows are made in Python as plain dicts with their ids chosen up front, and written per table
in batches through SQLAlchemy Core, so one batch is one `executemany` (SQLite) or one
multi-row INSERT (PostgreSQL). No ORM objects, no flush per row: 300,000 case discussions
take seconds, not hours.

Everything here is invented and marked as such: programmes and pilots are "synthetic",
accounts have `.example` addresses, places are made up, texts come from `words.Writer`. The
same seed builds the same data. The data is appended to what the database holds.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from slugify import slugify

from proeftuin import search
from proeftuin.demo.synthetic.words import OBJECTS, Writer
from proeftuin.extensions import db
from proeftuin.models import (
    CarerQuestion,
    CaseStatus,
    Discipline,
    EvidenceBasis,
    LessonKind,
    LessonLevel,
    LessonStatus,
    MemberRole,
    OrganisationKind,
    PilotScale,
    PilotStatus,
    Region,
    ReviewDecision,
    Role,
    SolutionDirection,
    TargetGroup,
)
from proeftuin.models.audit import AuditAction

#: rows per INSERT batch: large enough to amortise the round trip, small enough for memory
BATCH = 5_000

#: how pilots' statuses are spread; only public pilots get case discussions and lessons
STATUS_WEIGHTS = {
    PilotStatus.active: 70, PilotStatus.completed: 18, PilotStatus.stopped: 3,
    PilotStatus.selected: 5, PilotStatus.applied: 3, PilotStatus.declined: 1,
}
WORKING_STATUSES = (PilotStatus.active, PilotStatus.completed, PilotStatus.stopped)
#: the status changes that lead to each status
PATHS = {
    PilotStatus.applied: [PilotStatus.applied],
    PilotStatus.declined: [PilotStatus.applied, PilotStatus.declined],
    PilotStatus.selected: [PilotStatus.applied, PilotStatus.selected],
    PilotStatus.active: [PilotStatus.applied, PilotStatus.selected, PilotStatus.active],
    PilotStatus.completed: [PilotStatus.applied, PilotStatus.selected, PilotStatus.active,
                            PilotStatus.completed],
    PilotStatus.stopped: [PilotStatus.applied, PilotStatus.selected, PilotStatus.active,
                          PilotStatus.stopped],
}
#: the other programmes hold this many pilots each
PROGRAMME_SIZE = 250
FIRST_DAY = date(2021, 1, 4)
#: the library's use: months of counted searches (about this many searches drawn a month),
#: and days of lesson views, with this share of the lessons read on a day (per mille)
USE_MONTHS, SEARCHES_PER_MONTH = 24, 3_000
VIEW_DAYS, VIEWS_PER_MILLE = 60, 30
LAST_DAY = date(2026, 11, 27)


@dataclass(frozen=True)
class Plan:
    """What to make: numbers of pilots, case discussions and published lessons."""

    pilots: int
    cases: int
    lessons: int
    #: the pilots of the first programme (the facilitator dashboard's benchmark)
    first_programme: int = 500
    members_per_pilot: int = 4
    #: share of lessons that another pilot reports having reused
    reuse_share: float = 0.03
    seed: int = 2026


@dataclass
class Result:
    """What was made, per table, and the accounts a benchmark signs in with."""

    rows: dict[str, int] = field(default_factory=dict)
    #: e-mail of the facilitator of the first (largest) programme
    facilitator_email: str = ""
    first_programme_slug: str = ""
    #: a public pilot's slug and a published lesson's id, for single-record pages
    sample_pilot_slug: str = ""
    sample_lesson_id: int = 0


class _Ids:
    """Hands out ids above what each table holds, so rows can refer to each other at once."""

    def __init__(self, connection):
        self.connection = connection
        self.next: dict[str, int] = {}

    def take(self, table: str, count: int) -> range:
        if table not in self.next:
            current = self.connection.scalar(sa.text(f"SELECT max(id) FROM {table}"))  # noqa: S608
            self.next[table] = (current or 0) + 1
        start = self.next[table]
        self.next[table] = start + count
        return range(start, start + count)


def _utc(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 8 + rng.randrange(10), rng.randrange(60),
                    tzinfo=UTC)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    span = max((last - first).days, 0)
    return first + timedelta(days=rng.randint(0, span))


def generate(plan: Plan, password_hash: str,
             progress: Callable[[str], None] = lambda message: None) -> Result:
    """Append the plan's data to the database of the current app, in one transaction."""
    rng = random.Random(plan.seed)
    writer = Writer(rng)
    connection = db.session.connection()
    builder = _Builder(connection, rng, writer, password_hash, progress)
    result = builder.build(plan)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        progress("vacuum")
        _vacuum()
    return result


def _vacuum() -> None:
    # Rows loaded with COPY are not yet marked visible to all in PostgreSQL's visibility map,
    # so until autovacuum gets to them every index-only scan reads the table as well, and the
    # planner scans whole tables instead (the dashboard: 670 ms instead of 30). A site that
    # has run a while has the map set; VACUUM cannot run inside a transaction.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))


class _Builder:
    def __init__(self, connection, rng, writer, password_hash, progress):
        self.connection = connection
        self.rng = rng
        self.writer = writer
        self.password_hash = password_hash
        self.progress = progress
        self.ids = _Ids(connection)
        self.result = Result()
        #: the ids of the lessons this run published
        self.lesson_ids: range = range(0)
        self.questions = list(connection.scalars(sa.select(CarerQuestion.id)))
        self.directions = dict(connection.execute(
            sa.select(SolutionDirection.id, SolutionDirection.number)).all())
        self.essentials = list(connection.scalars(
            sa.select(Discipline.id).where(Discipline.essential)))
        self.others = list(connection.scalars(
            sa.select(Discipline.id).where(sa.not_(Discipline.essential))))
        self.target_groups = list(connection.scalars(sa.select(TargetGroup.id)))
        self.regions = list(connection.scalars(sa.select(Region.id)))
        self.now = datetime.now(UTC)

    # -- writing ------------------------------------------------------------------------------

    def insert(self, table: str, rows: Iterable[dict]) -> None:
        """Insert rows in batches; count them in the result."""
        write = self._copy if self.connection.dialect.name == "postgresql" else self._execute
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                write(table, batch)
                batch = []
        if batch:
            write(table, batch)

    def _execute(self, table: str, batch: list[dict]) -> None:
        self.connection.execute(sa.insert(db.metadata.tables[table]), batch)
        self.result.rows[table] = self.result.rows.get(table, 0) + len(batch)

    def _copy(self, table: str, batch: list[dict]) -> None:
        # COPY is PostgreSQL's bulk load, several times faster than multi-row INSERTs. It
        # bypasses SQLAlchemy's types, so enums go in as the values they are stored as.
        # Pilots carry what later tables need of them; only the table's own columns go in.
        columns = [column for column in batch[0] if column in db.metadata.tables[table].c]
        names = ", ".join(f'"{column}"' for column in columns)
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row([row[column].value if isinstance(row[column], enum.Enum)
                                else row[column] for column in columns])
        self.result.rows[table] = self.result.rows.get(table, 0) + len(batch)

    # -- the data -----------------------------------------------------------------------------

    def build(self, plan: Plan) -> Result:
        pilots = self.programmes_and_pilots(plan)
        working = [p for p in pilots if p["status"] in WORKING_STATUSES]
        if working:
            cases_by_pilot = self.cases(working, plan.cases)
            self.lessons(working, plan.lessons, cases_by_pilot, plan.reuse_share)
            self.result.sample_pilot_slug = working[0]["slug"]
        self.library_use(plan)
        self.progress("sequences and planner statistics")
        self.reset_sequences()
        # Fresh statistics, or the planners judge the new tables as if they were empty.
        self.connection.execute(sa.text("ANALYZE"))
        return self.result

    def programmes_and_pilots(self, plan: Plan) -> list[dict]:
        self.progress(f"{plan.pilots} pilots, their members and facilitators")
        rng = self.rng
        sizes = [min(plan.first_programme, plan.pilots)]
        while sum(sizes) < plan.pilots:
            sizes.append(min(PROGRAMME_SIZE, plan.pilots - sum(sizes)))
        programme_ids = self.ids.take("programme", len(sizes))
        facilitator_ids = self.ids.take("user_account", len(sizes))
        programmes, facilitators, links = [], [], []
        for programme_id, user_id in zip(programme_ids, facilitator_ids, strict=True):
            programmes.append({
                "id": programme_id, "slug": f"synthetisch-{programme_id}",
                "name": f"Synthetisch programma {programme_id}",
                "description": self.writer.paragraph(2), "accepts_applications": True,
                "created_at": _utc(FIRST_DAY, rng)})
            facilitators.append(self.user(user_id, "begeleider", Role.facilitator))
            links.append({"programme_id": programme_id, "user_id": user_id})
        self.result.facilitator_email = facilitators[0]["email"]
        self.result.first_programme_slug = programmes[0]["slug"]

        pilot_ids = self.ids.take("pilot", plan.pilots)
        programme_of = [pid for pid, size in zip(programme_ids, sizes, strict=True)
                        for _ in range(size)]
        statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()),
                               k=plan.pilots)
        pilots = []
        for pilot_id, programme_id, status in zip(pilot_ids, programme_of, statuses,
                                                  strict=True):
            place = self.writer.place()
            start = _day_between(rng, FIRST_DAY, date(2026, 6, 1))
            pilots.append({
                "id": pilot_id, "slug": f"{slugify(place)}-{pilot_id}",
                "name": f"Proeftuin {place}", "municipality": place,
                "region_id": rng.choice(self.regions), "programme_id": programme_id,
                "scale": rng.choice(list(PilotScale)), "status": status,
                "theme": self.writer.paragraph(2), "ambition": self.writer.paragraph(2),
                "actions": self.writer.paragraph(3), "results": self.writer.paragraph(2),
                "planned_start": start, "planned_end": start + timedelta(days=730),
                "contact_name": f"Contact synthetisch {pilot_id}",
                "contact_email": f"contact{pilot_id}@synthetisch.example", "contact_phone": "",
                "created_at": _utc(start - timedelta(days=60), rng),
                "updated_at": _utc(start, rng)})

        members = self.members(pilots, plan.members_per_pilot)
        self.insert("programme", programmes)
        self.insert("user_account", facilitators + members["users"])
        self.insert("programme_facilitator", links)
        self.insert("pilot", pilots)
        self.insert("membership", members["memberships"])
        self.pilot_details(pilots)
        return pilots

    def user(self, user_id: int, kind: str, role: Role) -> dict:
        return {"id": user_id, "email": f"{kind}{user_id}@synthetisch.example",
                "name": f"{kind.capitalize()} synthetisch {user_id}",
                "password_hash": self.password_hash, "role": role, "active": True,
                "created_at": _utc(FIRST_DAY, self.rng)}

    def members(self, pilots: list[dict], per_pilot: int) -> dict[str, list[dict]]:
        user_ids = iter(self.ids.take("user_account", len(pilots) * per_pilot))
        membership_ids = iter(self.ids.take("membership", len(pilots) * per_pilot))
        users, memberships = [], []
        for pilot in pilots:
            pilot["members"] = []
            for position in range(per_pilot):
                user_id = next(user_ids)
                users.append(self.user(user_id, "deelnemer", Role.participant))
                memberships.append({
                    "id": next(membership_ids), "pilot_id": pilot["id"], "user_id": user_id,
                    "role": MemberRole.coordinator if position == 0 else MemberRole.member,
                    "created_at": pilot["created_at"]})
                pilot["members"].append(user_id)
        return {"users": users, "memberships": memberships}

    def pilot_details(self, pilots: list[dict]) -> None:
        rng = self.rng
        questions, directions, disciplines, groups, organisations, changes = [], [], [], [], [], []
        direction_ids = iter(self.ids.take("pilot_direction", len(pilots) * 4))
        for pilot in pilots:
            chosen = rng.sample(sorted(self.directions), rng.randint(2, 4))
            pilot["directions"] = chosen
            pilot["questions"] = rng.sample(self.questions, rng.randint(1, 3))
            for direction_id in chosen:
                directions.append({
                    "id": next(direction_ids), "pilot_id": pilot["id"],
                    "direction_id": direction_id,
                    "direction_number": self.directions[direction_id],
                    "task": self.writer.paragraph(1), "desired_outcome": self.writer.paragraph(1)})
            questions += [{"pilot_id": pilot["id"], "question_id": q} for q in pilot["questions"]]
            # Most pilots have every essential discipline; some miss one, as on the dashboard.
            essentials = self.essentials if rng.random() < 0.8 else self.essentials[:-1]
            chosen_disciplines = essentials + rng.sample(self.others, rng.randint(0, 3))
            disciplines += [{"pilot_id": pilot["id"], "discipline_id": d}
                            for d in chosen_disciplines]
            groups += [{"pilot_id": pilot["id"], "target_group_id": t}
                       for t in rng.sample(self.target_groups, rng.randint(1, 2))]
            for position in range(rng.randint(2, 3)):
                organisations.append({
                    "pilot_id": pilot["id"], "name": f"Organisatie synthetisch {position + 1}",
                    "kind": rng.choice(list(OrganisationKind)), "position": position})
            previous = None
            moment = pilot["created_at"]
            for status in PATHS[pilot["status"]]:
                changes.append({"pilot_id": pilot["id"], "from_status": previous,
                                "to_status": status, "changed_by_id": None,
                                "reason": "", "created_at": moment})
                previous = status
                moment += timedelta(days=rng.randint(7, 60))
        self.insert("pilot_question", questions)
        self.insert("pilot_direction", directions)
        self.insert("pilot_discipline", disciplines)
        self.insert("pilot_target_group", groups)
        self.insert("pilot_organisation", organisations)
        self.insert("pilot_status_change", changes)

    def cases(self, pilots: list[dict], total: int) -> dict[int, list[int]]:
        """Spread `total` case discussions over the working pilots; return ids per pilot."""
        self.progress(f"{total} case discussions")
        rng, writer = self.rng, self.writer
        ids = self.ids.take("case_discussion", total)
        owners = rng.choices(pilots, k=total)
        by_pilot: dict[int, list[int]] = {}

        def rows():
            for case_id, pilot in zip(ids, owners, strict=True):
                by_pilot.setdefault(pilot["id"], []).append(case_id)
                held_on = _day_between(rng, pilot["planned_start"],
                                       min(pilot["planned_end"], LAST_DAY))
                author = rng.choice(pilot["members"])
                created = _utc(held_on, rng)
                yield {
                    "id": case_id, "pilot_id": pilot["id"], "held_on": held_on,
                    "title": writer.case_title(case_id),
                    "status": CaseStatus.final if rng.random() < 0.9 else CaseStatus.draft,
                    "presenter_question": writer.question(),
                    "situation": writer.paragraph(2), "carer_perspective": writer.sentence(),
                    "went_well": writer.sentence(), "group_advice": writer.sentence(),
                    "could_do_better": writer.sentence(), "created_by_id": author,
                    "updated_by_id": author, "created_at": created,
                    "updated_at": created + timedelta(days=rng.randint(0, 3))}
                pilot.setdefault("case_meta", []).append((case_id, author, created))

        self.insert("case_discussion", rows())
        pilot_of = {case_id: pilot for pilot in pilots for case_id, *_ in pilot.get("case_meta", ())}
        self.insert("case_direction", (
            {"case_id": case_id, "direction_id": d}
            for case_id, pilot in pilot_of.items()
            for d in rng.sample(pilot["directions"], min(2, len(pilot["directions"])))))
        self.insert("case_question", (
            {"case_id": case_id, "question_id": rng.choice(pilot["questions"])}
            for case_id, pilot in pilot_of.items()))
        self.insert("case_discipline", (
            {"case_id": case_id, "discipline_id": d}
            for case_id in pilot_of for d in rng.sample(self.essentials, 2)))
        self.insert("case_follow_up", (
            {"case_id": case_id, "action": writer.sentence(), "owner": writer.owner(),
             "due_on": None, "done": rng.random() < 0.5, "position": 0}
            for case_id in pilot_of if rng.random() < 0.3))
        self.insert("audit_event", (
            {"occurred_at": created, "user_id": author, "role": "member",
             "action": AuditAction.created, "record_type": "case_discussion",
             "record_id": case_id, "pilot_id": pilot["id"]}
            for pilot in pilots for case_id, author, created in pilot.pop("case_meta", ())))
        return by_pilot

    def lessons(self, pilots: list[dict], total: int, cases_by_pilot: dict[int, list[int]],
                reuse_share: float) -> None:
        """Make `total` published lessons, each with its first public revision, indexed."""
        self.progress(f"{total} published lessons")
        rng, writer = self.rng, self.writer
        lesson_ids = self.lesson_ids = self.ids.take("lesson", total)
        revision_ids = self.ids.take("lesson_revision", total)
        owners = rng.choices(pilots, k=total)
        facilitator_of = dict(self.connection.execute(sa.text(
            "SELECT programme_id, min(user_id) FROM programme_facilitator GROUP BY programme_id")
        ).all())
        lessons, revisions, reviews, links, events = [], [], [], {}, []
        documents = []
        for lesson_id, revision_id, pilot in zip(lesson_ids, revision_ids, owners, strict=True):
            author = rng.choice(pilot["members"])
            published = _utc(_day_between(rng, pilot["planned_start"], LAST_DAY), rng)
            created = published - timedelta(days=rng.randint(3, 40))
            reviewer = facilitator_of[pilot["programme_id"]]
            content = {
                "title": writer.lesson_title(), "summary": writer.paragraph(1),
                "context": writer.paragraph(2), "body": writer.paragraph(3),
                "advice": writer.paragraph(1), "kind": rng.choice(list(LessonKind)),
                "level": rng.choice(list(LessonLevel)),
                "evidence": rng.choice(list(EvidenceBasis))}
            sources = rng.sample(cases_by_pilot.get(pilot["id"], []),
                                 min(rng.randint(0, 3), len(cases_by_pilot.get(pilot["id"], []))))
            lessons.append({
                "id": lesson_id, "pilot_id": pilot["id"], "status": LessonStatus.published,
                "public_revision_id": None, "created_by_id": author, "updated_by_id": author,
                "created_at": created, "updated_at": published,
                "submitted_at": published - timedelta(days=1), "first_published_at": published,
                **content})
            revisions.append({
                "id": revision_id, "lesson_id": lesson_id, "number": 1,
                "published_at": published, "published_by_id": reviewer,
                "source_case_count": len(sources), **content,
                # The writer's sentences are plain text, which is its own readable text (as
                # for the search documents below); converting them took minutes at scale.
                "readable_text": " ".join(content[name] for name in (
                    "summary", "context", "body", "advice"))})
            reviews.append({"lesson_id": lesson_id, "decision": ReviewDecision.published,
                            "feedback": "", "reviewer_id": reviewer, "created_at": published})
            directions = rng.sample(pilot["directions"], rng.randint(1, len(pilot["directions"])))
            questions = rng.sample(pilot["questions"], rng.randint(1, len(pilot["questions"])))
            groups = rng.sample(self.target_groups, rng.randint(0, 2))
            for name, owner, column, values in (
                    ("lesson_direction", lesson_id, "direction_id", directions),
                    ("lesson_question", lesson_id, "question_id", questions),
                    ("lesson_target_group", lesson_id, "target_group_id", groups),
                    ("lesson_source_case", lesson_id, "case_id", sources),
                    ("lesson_revision_direction", revision_id, "direction_id", directions),
                    ("lesson_revision_question", revision_id, "question_id", questions),
                    ("lesson_revision_target_group", revision_id, "target_group_id", groups)):
                key = "lesson_revision_id" if name.startswith("lesson_revision") else "lesson_id"
                links.setdefault(name, []).extend({key: owner, column: v} for v in values)
            for action, moment, who, role in (
                    (AuditAction.created, created, author, "member"),
                    (AuditAction.submitted, published - timedelta(days=1), author, "member"),
                    (AuditAction.published, published, reviewer, "facilitator")):
                events.append({"occurred_at": moment, "user_id": who, "role": role,
                               "action": action, "record_type": "lesson",
                               "record_id": lesson_id, "pilot_id": pilot["id"]})
            documents.append(search.Document(
                lesson_id=lesson_id, title=content["title"], summary=content["summary"],
                body="\n".join((content["context"], content["body"], content["advice"]))))
        self.insert("lesson", lessons)
        self.insert("lesson_revision", revisions)
        if lesson_ids:
            # The lesson and its revision refer to each other: link them once both exist.
            offset = revision_ids.start - lesson_ids.start
            self.connection.execute(
                sa.text("UPDATE lesson SET public_revision_id = id + :offset "
                        "WHERE id BETWEEN :first AND :last"),
                {"offset": offset, "first": lesson_ids.start, "last": lesson_ids[-1]})
            self.result.sample_lesson_id = lesson_ids.start
        self.insert("lesson_review", reviews)
        for name, rows in links.items():
            self.insert(name, rows)
        self.insert("audit_event", events)
        self.reuse(lessons, pilots, reuse_share)
        self.progress(f"search index of {total} lessons")
        index = search.backend(self.connection)
        for start in range(0, len(documents), BATCH):
            index.write(self.connection, documents[start:start + BATCH])
        self.result.rows["search index"] = len(documents)

    def library_use(self, plan: Plan) -> None:
        """Count searches for the last USE_MONTHS months and lesson views for the last
        VIEW_DAYS days, as the library's readers would have left them."""
        self.progress("counts of the library's searches and lesson views")
        rng = self.rng
        self.view_counts()
        if self.connection.scalar(sa.text("SELECT count(*) FROM search_count")):
            return  # a second run's searches would be the first's: one row per search
        vocabulary = sorted({word.lower() for phrase in OBJECTS for word in phrase.split()
                             if len(word) > 3})
        facets = ["", *(f"richting={d}" for d in range(1, 11)),
                  *(f"richting={d}&vraag={q}" for d in range(1, 11) for q in range(1, 4)),
                  *(f"vraag={q}" for q in range(1, 4))]
        searches = {}
        for months_ago in range(USE_MONTHS):
            index = LAST_DAY.year * 12 + LAST_DAY.month - 1 - months_ago
            month = date(index // 12, index % 12 + 1, 1)
            for _ in range(SEARCHES_PER_MONTH):
                words = " ".join(sorted(set(rng.sample(vocabulary, rng.choice((0, 1, 1, 2))))))
                key = (month, words, rng.choice(facets), rng.random() < 0.8)
                searches[key] = searches.get(key, 0) + int(rng.paretovariate(1.2))
        self.insert("search_count", ({"month": m, "words": w, "facets": f, "found": found,
                                      "searches": n} for (m, w, f, found), n in searches.items()))

    def view_counts(self) -> None:
        """Views of this run's lessons: each day some of them, a few times each."""
        if not self.lesson_ids:
            return
        rng, ids = self.rng, self.lesson_ids
        per_day = max(len(ids) * VIEWS_PER_MILLE // 1000, 1)
        self.insert("lesson_view_count", (
            {"lesson_id": lesson_id, "day": LAST_DAY - timedelta(days=days_ago),
             "views": int(rng.paretovariate(1.5))}
            for days_ago in range(VIEW_DAYS) for lesson_id in rng.sample(ids, per_day)))

    def reuse(self, lessons: list[dict], pilots: list[dict], share: float) -> None:
        rng, writer = self.rng, self.writer
        reports = []
        for lesson in lessons:
            if rng.random() >= share:
                continue
            pilot = rng.choice(pilots)
            if pilot["id"] == lesson["pilot_id"]:
                continue
            reports.append({
                "lesson_id": lesson["id"], "pilot_id": pilot["id"],
                "reported_by_id": pilot["members"][0], "how": writer.sentence(),
                "outcome": writer.sentence(),
                "created_at": lesson["first_published_at"] + timedelta(days=rng.randint(5, 90)),
                "hidden_at": None, "hidden_by_id": None, "hidden_reason": ""})
        self.insert("lesson_reuse", reports)

    def reset_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the ids chosen here (SQLite needs nothing)."""
        if self.connection.dialect.name != "postgresql":
            return
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                self.connection.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                    f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
