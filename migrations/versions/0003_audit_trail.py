"""audit trail of case discussions and lessons, append-only

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Frozen copies of proeftuin.models.audit.APPEND_ONLY_DDL and DROP_APPEND_ONLY_DDL as they
# were at this revision; a migration never imports the live models.
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    ],
}
DROP_APPEND_ONLY_DDL = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_append_only"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
        "DROP FUNCTION IF EXISTS audit_event_append_only()",
    ],
}


def upgrade():
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.Enum('created', 'changed', 'viewed', 'exported', 'submitted', 'published', 'returned', 'withdrawn', name='auditaction', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_audit_event_pilot_id_pilot')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_event_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_pilot_id_occurred_at', ['pilot_id', 'occurred_at'], unique=False)
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    # The trail is evidence; dropping it must be a deliberate act, not a side effect.
    events = op.get_bind().execute(sa.text("SELECT count(*) FROM audit_event")).scalar()
    if events:
        raise RuntimeError(
            f"audit_event holds {events} events; export and delete them deliberately "
            "before downgrading below revision 0003."
        )
    for statement in DROP_APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_pilot_id_occurred_at')

    op.drop_table('audit_event')
