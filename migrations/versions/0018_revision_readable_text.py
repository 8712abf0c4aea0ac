"""each published revision keeps its readable text: search results cut their snippets from it

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 05:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# The live conversion, not a frozen copy: the column is derived text and must be what the
# application writes for a new revision (as 0005 fills the search index with the live stems).
from proeftuin.text import readable_text

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    op.add_column("lesson_revision",
                  sa.Column("readable_text", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    read = sa.text("SELECT id, summary, context, body, advice FROM lesson_revision "
                   "WHERE id > :last ORDER BY id LIMIT :batch")
    write = sa.text("UPDATE lesson_revision SET readable_text = :text WHERE id = :id")
    last = 0
    while rows := connection.execute(read, {"last": last, "batch": BATCH}).all():
        connection.execute(write, [{"id": row.id, "text": readable_text(*row[1:])}
                                   for row in rows])
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table("lesson_revision") as table:
        table.drop_column("readable_text")
