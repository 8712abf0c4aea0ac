"""what came of reuse: the follow-up questions three and six months after a report, their
answers, and each report's latest verdict, which the library filters and orders on

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 13:00:00.000000

"""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

#: frozen copies of the model's constants at this revision
MONTHS = (3, 6)
VERDICTS = ('adopted', 'adapted', 'dropped')
ZONE = ZoneInfo("Europe/Amsterdam")
# The trigger this revision adds (see 0008): the answer of a follow-up is on the lesson's
# page, so it changes the library's number (row 1).
ADDED = (("reuse_follow_up", "UPDATE OF answered_at, verdict, text", 1),)
FUNCTIONS = {1: "library_changed", 2: "profile_changed"}


def _verdict_column():
    return sa.Enum(*VERDICTS, name='reuseverdict', native_enum=False, create_constraint=True,
                   length=32)


def _months_later(day: date, count: int) -> date:
    index = day.year * 12 + day.month - 1 + count
    first = date(index // 12, index % 12 + 1, 1)
    after = date((index + 1) // 12, (index + 1) % 12 + 1, 1)
    return first.replace(day=min(day.day, (after - timedelta(days=1)).day))


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def _name(table, event, row):
    return f"{FUNCTIONS[row]}_{table}_{event.split()[0].lower()}"


def _bump(row):
    return (f"INSERT INTO library_version (id, version) VALUES ({row}, 1) "
            "ON CONFLICT (id) DO UPDATE SET version = library_version.version + 1")


def upgrade():
    # A plain ADD COLUMN: SQLite's batch mode would rebuild lesson_reuse and lose its
    # triggers (0008). SQLite keeps the column without its CHECK; the models write only
    # the enum's values.
    op.add_column('lesson_reuse', sa.Column('verdict', sa.String(length=32), nullable=True))
    if not _sqlite():
        op.create_check_constraint(op.f('ck_lesson_reuse_reuseverdict'), 'lesson_reuse',
                                   sa.column('verdict').in_(VERDICTS))
    op.create_table('reuse_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reuse_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.SmallInteger(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verdict', _verdict_column(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(answered_at IS NULL) = (verdict IS NULL)',
                       name=op.f('ck_reuse_follow_up_answered_verdict')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'],
                            name=op.f('fk_reuse_follow_up_answered_by_id_user_account'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reuse_id'], ['lesson_reuse.id'],
                            name=op.f('fk_reuse_follow_up_reuse_id_lesson_reuse'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reuse_follow_up')),
    sa.UniqueConstraint('reuse_id', 'months', name=op.f('uq_reuse_follow_up_reuse_id')),
    )
    with op.batch_alter_table('reuse_follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_reuse_follow_up_due_on', ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reuse_follow_up_reuse_id'), ['reuse_id'],
                              unique=False)

    # Reports made before follow-ups get theirs, due as they would have been: the worker
    # asks those that are due on its next run.
    connection = op.get_bind()
    rows = []
    for reuse_id, created_at in connection.execute(
            sa.text("SELECT id, created_at FROM lesson_reuse")):
        if isinstance(created_at, str):
            created_at = datetime.fromisoformat(created_at)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=ZoneInfo("UTC"))
        day = created_at.astimezone(ZONE).date()
        rows += [{"reuse_id": reuse_id, "months": months, "due_on": _months_later(day, months),
                  "text": ""} for months in MONTHS]
    if rows:
        connection.execute(sa.text(
            "INSERT INTO reuse_follow_up (reuse_id, months, due_on, text) "
            "VALUES (:reuse_id, :months, :due_on, :text)").bindparams(
                sa.bindparam("due_on", type_=sa.Date())), rows)

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
    with op.batch_alter_table('reuse_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reuse_follow_up_reuse_id'))
        batch_op.drop_index('ix_reuse_follow_up_due_on')
    op.drop_table('reuse_follow_up')
    if not _sqlite():
        op.drop_constraint(op.f('ck_lesson_reuse_reuseverdict'), 'lesson_reuse', type_='check')
    op.drop_column('lesson_reuse', 'verdict')
