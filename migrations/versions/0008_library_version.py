"""a version number of the library that triggers change, for the library's search cache

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# A frozen copy of proeftuin.models.library_version's triggers: a migration never imports
# live models, whose triggers may change after this revision.
WATCHED = (
    ("lesson", "UPDATE OF public_revision_id"),
    ("lesson", "DELETE"),
    ("pilot", "UPDATE OF status, region_id, programme_id"),
    ("pilot", "DELETE"),
    ("programme", "UPDATE OF slug"),
    ("lesson_reuse", "INSERT"),
    ("lesson_reuse", "UPDATE"),
    ("lesson_reuse", "DELETE"),
)


def _name(table, event):
    return f"library_changed_{table}_{event.split()[0].lower()}"


def upgrade():
    op.create_table('library_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_version'))
    )
    bump = ("INSERT INTO library_version (id, version) VALUES (1, 1) ON CONFLICT (id) "
            "DO UPDATE SET version = library_version.version + 1")
    if op.get_bind().dialect.name == "sqlite":
        for table, event in WATCHED:
            op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                       f"BEGIN {bump}; END")
    else:
        op.execute(
            "CREATE OR REPLACE FUNCTION library_changed() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {bump}; RETURN NULL; END $$")
        for table, event in WATCHED:
            op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION library_changed()")


def downgrade():
    for table, event in WATCHED:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)} ON {table}")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS library_changed()")
    op.drop_table('library_version')
