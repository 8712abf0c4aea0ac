"""the library's version also changes with everything a pilot's public profile shows

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 16:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# Frozen copies of proeftuin.models.library_version's triggers before and after this
# revision: a migration never imports live models, whose triggers may change later.
CHANGED_BEFORE = (
    ("pilot", "UPDATE OF status, region_id, programme_id"),
    ("programme", "UPDATE OF slug"),
)
CHANGED_AFTER = (
    ("pilot", "UPDATE OF status, region_id, programme_id, slug, name, municipality, scale, "
              "theme, ambition, actions, results, planned_start, planned_end"),
    ("programme", "UPDATE OF slug, name"),
)
ADDED = tuple(
    (table, event)
    for table in ("pilot_direction", "pilot_organisation", "pilot_question",
                  "pilot_discipline", "pilot_target_group")
    for event in ("INSERT", "UPDATE", "DELETE")
)
BUMP = ("INSERT INTO library_version (id, version) VALUES (1, 1) ON CONFLICT (id) "
        "DO UPDATE SET version = library_version.version + 1")


def _name(table, event):
    return f"library_changed_{table}_{event.split()[0].lower()}"


def _create(watched):
    # The PostgreSQL function library_changed() is 0008's and stays as it is.
    for table, event in watched:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                       f"BEGIN {BUMP}; END")
        else:
            op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION library_changed()")


def _drop(watched):
    for table, event in watched:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)} ON {table}")


def upgrade():
    _drop(CHANGED_BEFORE)
    _create(CHANGED_AFTER + ADDED)


def downgrade():
    _drop(CHANGED_AFTER + ADDED)
    _create(CHANGED_BEFORE)
