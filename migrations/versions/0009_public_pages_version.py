"""a second number, for pilot profiles; the library's also counts names and new programmes

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
# (table, event, row of library_version): row 1 is the library's, row 2 the profiles'.
REPLACED = (
    ("pilot", "UPDATE OF status, region_id, programme_id", 1),
    ("programme", "UPDATE OF slug", 1),
)
ADDED = (
    ("pilot", "UPDATE OF status, region_id, programme_id, slug, name, municipality", 1),
    ("programme", "INSERT", 1),
    ("programme", "UPDATE OF slug, name", 1),
    ("programme", "DELETE", 1),
    ("pilot", "UPDATE OF scale, theme, ambition, actions, results, planned_start, planned_end",
     2),
    *((table, event, 2)
      for table in ("pilot_direction", "pilot_organisation", "pilot_question",
                    "pilot_discipline", "pilot_target_group")
      for event in ("INSERT", "UPDATE", "DELETE")),
)
FUNCTIONS = {1: "library_changed", 2: "profile_changed"}


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def _name(table, event, row):
    return f"{FUNCTIONS[row]}_{table}_{event.split()[0].lower()}"


def _bump(row):
    return (f"INSERT INTO library_version (id, version) VALUES ({row}, 1) "
            "ON CONFLICT (id) DO UPDATE SET version = library_version.version + 1")


def _create(watched):
    for table, event, row in watched:
        if _sqlite():
            op.execute(f"CREATE TRIGGER {_name(table, event, row)} AFTER {event} ON {table} "
                       f"BEGIN {_bump(row)}; END")
        else:
            op.execute(f"CREATE TRIGGER {_name(table, event, row)} AFTER {event} ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTIONS[row]}()")


def _drop(watched):
    for table, event, row in watched:
        if _sqlite():
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event, row)}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event, row)} ON {table}")


def upgrade():
    _drop(REPLACED)
    if not _sqlite():
        # library_changed() is 0008's and stays as it is.
        op.execute("CREATE OR REPLACE FUNCTION profile_changed() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {_bump(2)}; RETURN NULL; END $$")
    _create(ADDED)


def downgrade():
    _drop(ADDED)
    if not _sqlite():
        op.execute("DROP FUNCTION IF EXISTS profile_changed()")
    op.execute("DELETE FROM library_version WHERE id = 2")
    _create(REPLACED)
