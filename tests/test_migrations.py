"""Migrations build the same schema as the models, with the reference data, and undo it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from proeftuin import create_app
from proeftuin.extensions import db
from proeftuin.models.search_index import include_name

SCHEMA = "migration_check"


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database: a new SQLite file, or an empty schema on the PostgreSQL server."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{SCHEMA}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


@pytest.fixture
def migration_app(empty_database_url, tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _user_tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def _revisions() -> list[str]:
    """Return the revisions from the first to the head, in the order they apply."""
    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1, "the migrations must form a single line"
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _current_revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _schema() -> dict:
    """Describe the schema: every table's columns, keys, indexes and checks, and the triggers.

    A downgrade that leaves an index, a constraint or a trigger behind, or rebuilds a table
    (SQLite's batch mode) without one, shows up here even when the table set is right.
    """
    inspector = sa.inspect(db.engine)
    tables = {}
    for table in set(inspector.get_table_names()) - {"alembic_version"}:
        tables[table] = {
            "columns": sorted(
                (column["name"], str(column["type"]), column["nullable"])
                for column in inspector.get_columns(table)
            ),
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": sorted(
                (fk["name"] or "", tuple(fk["constrained_columns"]), fk["referred_table"],
                 tuple(fk["referred_columns"]), str(fk["options"].get("ondelete")))
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (index["name"], tuple(map(str, index["column_names"])), index["unique"])
                for index in inspector.get_indexes(table)
            ),
            "unique constraints": sorted(
                (unique["name"] or "", tuple(unique["column_names"]))
                for unique in inspector.get_unique_constraints(table)
            ),
            "checks": sorted(
                " ".join(check["sqltext"].split()) for check in inspector.get_check_constraints(table)
            ),
        }
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            routines = set(conn.scalars(sa.text(
                "SELECT type || ' ' || name FROM sqlite_master WHERE type IN ('trigger', 'view')")))
        else:
            routines = set(conn.scalars(sa.text(
                "SELECT 'trigger ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE NOT t.tgisinternal AND n.nspname = current_schema() "
                "UNION SELECT 'function ' || p.proname FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() "
                "UNION SELECT 'type ' || t.typname FROM pg_type t "
                "JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd') "
                "UNION SELECT 'sequence ' || s.relname FROM pg_class s "
                "JOIN pg_namespace n ON n.oid = s.relnamespace "
                "WHERE n.nspname = current_schema() AND s.relkind = 'S'")))
    return {"tables": tables, "other objects": routines}


def _reference_counts() -> dict[str, int]:
    from proeftuin.reference import reference_rows

    with db.engine.connect() as conn:
        return {
            table: conn.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608
            for table in reference_rows()
        }


def test_upgrade_builds_the_models_schema_and_loads_reference_data(migration_app):
    upgrade()

    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(context, db.metadata)
        counts = {
            table: conn.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608
            for table in ("carer_question", "solution_direction", "discipline", "region")
        }
        english = conn.scalar(sa.text("SELECT name_en FROM solution_direction WHERE number = 10"))
    assert diff == []
    assert counts["carer_question"] == 3
    assert counts["solution_direction"] == 10
    assert counts["discipline"] >= 4
    assert counts["region"] == 18
    assert english == "Informal carers and professionals talk about moral dilemmas in care"


def test_migration_reference_data_matches_the_package():
    from importlib import util

    from proeftuin.reference import reference_rows

    path = next((Path(__file__).parent.parent / "migrations" / "versions").glob("0001_*.py"))
    spec = util.spec_from_file_location("first_migration", path)
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.REFERENCE_ROWS == reference_rows()


def _trigger_definitions() -> dict[str, str]:
    """Every trigger's definition, and on PostgreSQL every function's, whitespace folded."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = conn.execute(sa.text(
                "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE NOT t.tgisinternal AND n.nspname = current_schema() "
                "UNION ALL SELECT p.proname, p.prosrc FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"))
        return {name: " ".join(sql.split()) for name, sql in rows}


def test_the_migrated_triggers_are_the_models(migration_app):
    # The schema comparison above sees tables, not what a trigger watches or does.
    upgrade()
    migrated = _trigger_definitions()
    downgrade(revision="base")
    db.create_all()

    assert _trigger_definitions() == migrated


def test_upgrade_makes_the_audit_trail_append_only(migration_app):
    upgrade()
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        triggers = set(conn.scalars(sa.text(query)))
    assert "audit_event_append_only" in triggers


def test_downgrade_removes_every_table(migration_app):
    upgrade()
    assert "pilot" in _user_tables()

    downgrade(revision="base")

    assert _user_tables() == set()


def test_each_migration_steps_up_and_its_downgrade_undoes_exactly_that_step(migration_app):
    revisions = _revisions()
    assert revisions[0] == "0001"
    before_step = []
    for revision in revisions:
        before_step.append(_schema())
        upgrade(revision=revision)
        assert _current_revision() == revision
        assert _schema() != before_step[-1], f"revision {revision} changed nothing"

    for index in reversed(range(len(revisions))):
        target = revisions[index - 1] if index else "base"
        downgrade(revision=target)
        assert _current_revision() == (None if target == "base" else target)
        after, expected = _schema(), before_step[index]
        assert set(after["tables"]) == set(expected["tables"]), (
            f"downgrading {revisions[index]} left a different table set")
        for table, description in expected["tables"].items():
            assert after["tables"][table] == description, (
                f"downgrading {revisions[index]} changed table {table}")
        assert after["other objects"] == expected["other objects"], (
            f"downgrading {revisions[index]} left different triggers, functions or types")

    assert _user_tables() == set()


def test_migrations_run_again_after_a_downgrade_to_base(migration_app):
    upgrade()
    first_schema, first_counts = _schema(), _reference_counts()

    downgrade(revision="base")
    assert _user_tables() == set()
    upgrade()

    assert _current_revision() == _revisions()[-1]
    assert _schema() == first_schema
    # The reference data comes back once, not twice, and not missing.
    assert _reference_counts() == first_counts
    assert first_counts["solution_direction"] == 10


def test_the_audit_trail_stays_append_only_after_0004_and_refuses_losing_deletions(
        migration_app):
    upgrade()
    pilot_id = _insert_pilot()
    _insert_audit_event(pilot_id)
    with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_event SET role = 'admin'"))

    # Revision 0003 can hold neither a deletion nor an event without a user; Flask-Migrate
    # logs the refusal and exits.
    with pytest.raises(SystemExit):
        downgrade(revision="0003")
    with db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM audit_event")) == 1


def _insert_audit_event(pilot_id: int) -> None:
    """An event of the system's in the pilot's trail, in plain SQL (any revision since 0004)."""
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO audit_event (occurred_at, user_id, role, action, record_type, "
            "record_id, pilot_id) VALUES (CURRENT_TIMESTAMP, NULL, 'system', 'deleted', "
            "'case_discussion', 1, :pilot)"), {"pilot": pilot_id})


def _insert_pilot() -> int:
    with db.engine.begin() as conn:
        programme = conn.execute(sa.text(
            "INSERT INTO programme (slug, name, description, accepts_applications, created_at) "
            "VALUES ('p', 'P', '', true, CURRENT_TIMESTAMP) RETURNING id")).scalar()
        region = conn.scalar(sa.text("SELECT min(id) FROM region"))
        return conn.execute(sa.text(
            "INSERT INTO pilot (slug, name, municipality, region_id, programme_id, scale, "
            "status, theme, ambition, actions, results, contact_name, contact_email, "
            "contact_phone, created_at, updated_at) VALUES ('t', 'T', 'Denkstad', :region, "
            ":programme, 'local', 'active', '', '', '', '', 'Verzonnen', 'a@b.example', '', "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"),
            {"region": region, "programme": programme}).scalar()


def _insert_published_lesson(conn, pilot_id: int, content: dict[str, str]) -> int:
    """A published lesson of the pilot with these texts and choices, as raw SQL writes it."""
    fields = ", ".join(content)
    values = ", ".join(f":{name}" for name in content)
    return conn.execute(sa.text(
        f"INSERT INTO lesson (pilot_id, status, {fields}, created_at, updated_at) "  # noqa: S608 - our own names
        f"VALUES (:pilot, 'published', {values}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
        "RETURNING id"), {"pilot": pilot_id, **content}).scalar()


def test_0010_gives_existing_confirmations_the_pilot_of_their_record(migration_app):
    upgrade(revision="0009")
    pilot_id = _insert_pilot()
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO privacy_confirmation (record_type, record_id, fingerprint, kind, "
            "confirmed_at) VALUES ('pilot', :pilot, :print, 'named_person', CURRENT_TIMESTAMP),"
            " ('lesson', 12345, :print, 'named_person', CURRENT_TIMESTAMP)"),
            {"pilot": pilot_id, "print": "f" * 64})
    upgrade(revision="0010")
    with db.engine.connect() as conn:
        rows = dict(conn.execute(sa.text(
            "SELECT record_type, pilot_id FROM privacy_confirmation")).all())
    # A record that no longer exists leaves its confirmation without a pilot: it counts for none.
    assert rows == {"pilot": pilot_id, "lesson": None}


def test_0018_gives_existing_revisions_their_readable_text(migration_app):
    upgrade(revision="0017")
    pilot_id = _insert_pilot()
    content = {"title": "Titel", "summary": "**Kort** gezegd", "context": "",
               "body": "- een\n- [twee](https://example.org)", "advice": "A &amp; B",
               "kind": "success_factor", "level": "professional", "evidence": "single_case"}
    fields = ", ".join(content)
    values = ", ".join(f":{name}" for name in content)
    with db.engine.begin() as conn:
        lesson = _insert_published_lesson(conn, pilot_id, content)
        conn.execute(sa.text(
            f"INSERT INTO lesson_revision (lesson_id, number, published_at, {fields}, "  # noqa: S608
            f"source_case_count) VALUES (:lesson, 1, CURRENT_TIMESTAMP, {values}, 0)"),
            {"lesson": lesson, **content})
    upgrade(revision="0018")
    with db.engine.connect() as conn:
        text = conn.scalar(sa.text("SELECT readable_text FROM lesson_revision"))
    assert text == "Kort gezegd een twee A & B"


def test_0019_gives_existing_applications_a_closed_call_of_their_programme(migration_app):
    upgrade(revision="0018")
    pilot_id = _insert_pilot()
    upgrade(revision="0019")
    with db.engine.connect() as conn:
        calls = conn.execute(sa.text(
            "SELECT id, title, places, closed_early_at IS NOT NULL, opens_on <= closes_on "
            "FROM application_call")).all()
        call_of_pilot = conn.scalar(
            sa.text("SELECT call_id FROM call_application WHERE pilot_id = :id"), {"id": pilot_id})
    [(call_id, title, places, closed, ordered)] = calls
    assert (title, places, closed, ordered) == ("Aanmeldingen van vóór de rondes", 1, True, True)
    assert call_of_pilot == call_id


def test_0021_keeps_earlier_decisions_with_their_call_and_marks_the_call_decided(
        migration_app):
    upgrade(revision="0018")
    pilot_id = _insert_pilot()
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO pilot_status_change (pilot_id, from_status, to_status, reason, "
            "created_at) VALUES (:id, NULL, 'applied', '', CURRENT_TIMESTAMP), "
            "(:id, 'applied', 'selected', 'Sterk plan.', CURRENT_TIMESTAMP), "
            "(:id, 'selected', 'active', '', CURRENT_TIMESTAMP)"), {"id": pilot_id})
    upgrade(revision="0021")
    with db.engine.connect() as conn:
        decisions = conn.execute(sa.text(
            "SELECT d.pilot_id, d.outcome, d.reason, d.call_id = ca.call_id FROM call_decision d "
            "JOIN call_application ca ON ca.pilot_id = d.pilot_id")).all()
        decided = conn.scalar(sa.text("SELECT decided_at IS NOT NULL FROM application_call"))
        language = conn.scalar(sa.text("SELECT language FROM call_application"))
    assert decisions == [(pilot_id, "selected", "Sterk plan.", True)]
    assert decided and language == "nl"


def test_0022_asks_earlier_reports_of_reuse_after_three_and_six_months(migration_app):
    upgrade(revision="0021")
    pilot_id = _insert_pilot()
    content = {"title": "Titel", "summary": "Kort", "context": "", "body": "Les", "advice": "",
               "kind": "success_factor", "level": "professional", "evidence": "single_case"}
    with db.engine.begin() as conn:
        lesson = _insert_published_lesson(conn, pilot_id, content)
        # Noon on the last day of January, Dutch time: April has no 31st.
        conn.execute(sa.text(
            "INSERT INTO lesson_reuse (lesson_id, pilot_id, how, outcome, created_at, "
            "hidden_reason) VALUES (:lesson, :pilot, 'Zo', 'Goed', :at, '')").bindparams(
                sa.bindparam("at", type_=sa.DateTime(timezone=True))),
            {"lesson": lesson, "pilot": pilot_id, "at": datetime(2026, 1, 31, 11, tzinfo=UTC)})
    upgrade(revision="0022")
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT months, due_on, asked_at, verdict FROM reuse_follow_up ORDER BY months")).all()
        verdict = conn.scalar(sa.text("SELECT verdict FROM lesson_reuse"))
    assert [(m, str(d), a, v) for m, d, a, v in rows] == [
        (3, "2026-04-30", None, None), (6, "2026-07-31", None, None)]
    assert verdict is None


def test_0023_keeps_one_count_per_search_and_a_lessons_views_go_with_it(migration_app):
    upgrade(revision="0023")
    pilot_id = _insert_pilot()
    search = ("INSERT INTO search_count (month, words, facets, found, searches) "
              "VALUES ('2026-12-01', 'respijt', 'richting=3', true, 5)")
    with db.engine.begin() as conn:
        conn.execute(sa.text(search))
        lesson = conn.execute(sa.text(
            "INSERT INTO lesson (pilot_id, status, title, summary, context, body, advice, kind, "
            "level, evidence, created_at, updated_at) VALUES (:pilot, 'published', 'T', 'S', "
            "'', 'B', '', 'success_factor', 'professional', 'single_case', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP) RETURNING id"), {"pilot": pilot_id}).scalar()
        conn.execute(sa.text("INSERT INTO lesson_view_count (lesson_id, day, views) "
                             "VALUES (:lesson, '2026-12-07', 3)"), {"lesson": lesson})
    # The same search of the same month is one row, added to, never a second row.
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text(search))
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM lesson WHERE id = :id"), {"id": lesson})
    with db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM lesson_view_count")) == 0
        assert conn.scalar(sa.text("SELECT searches FROM search_count")) == 5


def test_every_write_the_library_watches_changes_its_number_after_every_migration(
        migration_app):
    # A table rebuilt by a later migration (SQLite's batch mode) loses its triggers.
    upgrade()
    pilot_id = _insert_pilot()
    with db.engine.begin() as conn:
        before = conn.scalar(sa.text("SELECT coalesce(max(version), 0) FROM library_version "
                                     "WHERE id = 1"))
        lesson = conn.execute(sa.text(
            "INSERT INTO lesson (pilot_id, status, title, summary, context, body, advice, kind, "
            "level, evidence, created_at, updated_at) VALUES (:pilot, 'draft', 'T', 'S', '', "
            "'B', '', 'success_factor', 'professional', 'single_case', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP) RETURNING id"), {"pilot": pilot_id}).scalar()
        conn.execute(sa.text(
            "INSERT INTO lesson_reuse (lesson_id, pilot_id, how, outcome, created_at, "
            "hidden_reason) VALUES (:lesson, :pilot, 'Zo', 'Goed', CURRENT_TIMESTAMP, '')"),
            {"lesson": lesson, "pilot": pilot_id})
        after = conn.scalar(sa.text("SELECT version FROM library_version WHERE id = 1"))
    assert after > before


def test_a_refused_downgrade_changes_nothing(migration_app):
    # 0003's downgrade refuses while the audit trail holds events; the six steps before it
    # must not have been taken either, on SQLite as on PostgreSQL.
    upgrade()
    pilot_id = _insert_pilot()
    _insert_audit_event(pilot_id)
    with db.engine.connect() as conn:
        head = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
    before = _tables()

    with pytest.raises(SystemExit):
        downgrade(revision="base")

    assert _tables() == before
    with db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == head
        assert conn.scalar(sa.text("SELECT count(*) FROM pilot")) == 1
        assert conn.scalar(sa.text("SELECT count(*) FROM audit_event")) == 1
    # And the schema is whole: upgrading again is a no-op, not a rebuild over lost tables.
    upgrade()
    assert _tables() == before


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())
