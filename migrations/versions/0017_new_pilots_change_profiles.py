"""a new pilot changes the profiles' number: the home page and the pilot list are kept by it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 02:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# A frozen copy of the trigger this revision adds (see 0009): (table, event, row), row 2 being
# the profiles' number. profile_changed() is 0009's and stays as it is.
ADDED = (("pilot", "INSERT", 2),)
FUNCTIONS = {1: "library_changed", 2: "profile_changed"}


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def _name(table, event, row):
    return f"{FUNCTIONS[row]}_{table}_{event.split()[0].lower()}"


def _bump(row):
    return (f"INSERT INTO library_version (id, version) VALUES ({row}, 1) "
            "ON CONFLICT (id) DO UPDATE SET version = library_version.version + 1")


def upgrade():
    for table, event, row in ADDED:
        if _sqlite():
            op.execute(f"CREATE TRIGGER {_name(table, event, row)} AFTER {event} ON {table} "
                       f"BEGIN {_bump(row)}; END")
        else:
            op.execute(f"CREATE TRIGGER {_name(table, event, row)} AFTER {event} ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTIONS[row]}()")


def downgrade():
    for table, event, row in ADDED:
        if _sqlite():
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event, row)}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event, row)} ON {table}")
