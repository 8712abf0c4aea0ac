"""the library's full-text index, source-case counts on revisions, reports of reuse

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:05:00.000000

"""
from alembic import op
import sqlalchemy as sa

from proeftuin.search import text as search_text
from proeftuin.text import markdown_to_text


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Frozen copy of proeftuin/models/search_index.py as of this revision.
SEARCH_INDEX_DDL = {
    'sqlite': [
        "CREATE VIRTUAL TABLE lesson_fts USING fts5(title, summary, body)",
    ],
    'postgresql': [
        "CREATE TABLE lesson_search ("
        "lesson_id INTEGER PRIMARY KEY REFERENCES lesson (id) ON DELETE CASCADE, "
        "document TSVECTOR NOT NULL)",
        "CREATE INDEX ix_lesson_search_document ON lesson_search USING GIN (document)",
    ],
}
DROP_SEARCH_INDEX_DDL = {
    'sqlite': ["DROP TABLE IF EXISTS lesson_fts"],
    'postgresql': ["DROP TABLE IF EXISTS lesson_search"],
}
INSERT = {
    'sqlite': "INSERT INTO lesson_fts (rowid, title, summary, body) "
              "VALUES (:lesson_id, :title, :summary, :body)",
    'postgresql': "INSERT INTO lesson_search (lesson_id, document) VALUES (:lesson_id, "
                  "setweight(to_tsvector('dutch', :title), 'A') || "
                  "setweight(to_tsvector('dutch', :summary), 'B') || "
                  "setweight(to_tsvector('dutch', :body), 'C'))",
}


def _fill_search_index(bind):
    """Index the lessons that are already public, as proeftuin.search does on publish.

    It uses today's proeftuin.search.text and proeftuin.text; `flask search-reindex` rebuilds the index if that
    module changes how it reads text.
    """
    words = search_text.stemmed if bind.dialect.name == 'sqlite' else search_text.plain

    def prepare(markdown):
        return words(markdown_to_text(markdown))

    rows = bind.execute(sa.text(
        "SELECT lesson.id, r.title, r.summary, r.context, r.body, r.advice FROM lesson "
        "JOIN lesson_revision r ON r.id = lesson.public_revision_id"
    )).all()
    if rows:
        bind.execute(sa.text(INSERT[bind.dialect.name]), [
            {'lesson_id': row.id, 'title': prepare(row.title), 'summary': prepare(row.summary),
             'body': '\n'.join(prepare(part) for part in (row.context, row.body, row.advice))}
            for row in rows
        ])


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_case_count', sa.Integer(), server_default='0',
                                      nullable=False))
    # Earlier revisions did not keep the count; the lesson's current sources are the best guess.
    op.execute(
        "UPDATE lesson_revision SET source_case_count = (SELECT count(*) FROM lesson_source_case "
        "WHERE lesson_source_case.lesson_id = lesson_revision.lesson_id)"
    )

    op.create_table('lesson_reuse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('how', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['user_account.id'], name=op.f('fk_lesson_reuse_hidden_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_reuse_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_lesson_reuse_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user_account.id'], name=op.f('fk_lesson_reuse_reported_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_reuse'))
    )
    with op.batch_alter_table('lesson_reuse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_reuse_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_reuse_pilot_id'), ['pilot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_reuse_reported_by_id'), ['reported_by_id'], unique=False)

    for statement in SEARCH_INDEX_DDL[bind.dialect.name]:
        op.execute(statement)
    _fill_search_index(bind)


def downgrade():
    bind = op.get_bind()
    for statement in DROP_SEARCH_INDEX_DDL[bind.dialect.name]:
        op.execute(statement)
    with op.batch_alter_table('lesson_reuse', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_reuse_reported_by_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_reuse_pilot_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_reuse_lesson_id'))
    op.drop_table('lesson_reuse')
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.drop_column('source_case_count')
