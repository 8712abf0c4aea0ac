"""the audit trail refuses DELETE and TRUNCATE; an operator's purge of old events is recorded

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# Frozen copies of the statements proeftuin.models.audit added at this revision; a migration
# never imports the live models.
APPEND_ONLY_DDL = {'postgresql': ['CREATE OR REPLACE FUNCTION audit_trail_refused() RETURNS trigger LANGUAGE plpgsql '
                "AS $$ BEGIN RAISE EXCEPTION 'audit trail is append-only (see flask "
                "purge-audit-trail)'; END $$",
                'CREATE OR REPLACE FUNCTION audit_event_kept() RETURNS trigger LANGUAGE plpgsql AS '
                '$$ BEGIN IF NOT EXISTS (SELECT 1 FROM audit_purge WHERE OLD.occurred_at < '
                "audit_purge.cutoff) THEN RAISE EXCEPTION 'audit trail is append-only (see flask "
                "purge-audit-trail)'; END IF; RETURN OLD; END $$",
                'CREATE TRIGGER audit_event_kept BEFORE DELETE ON audit_event FOR EACH ROW EXECUTE '
                'FUNCTION audit_event_kept()',
                'CREATE TRIGGER audit_event_not_truncated BEFORE TRUNCATE ON audit_event FOR EACH '
                'STATEMENT EXECUTE FUNCTION audit_trail_refused()',
                'CREATE TRIGGER audit_purge_append_only BEFORE UPDATE OR DELETE ON audit_purge FOR '
                'EACH ROW EXECUTE FUNCTION audit_trail_refused()',
                'CREATE TRIGGER audit_purge_not_truncated BEFORE TRUNCATE ON audit_purge FOR EACH '
                'STATEMENT EXECUTE FUNCTION audit_trail_refused()'],
 'sqlite': ['CREATE TRIGGER audit_event_kept BEFORE DELETE ON audit_event WHEN NOT EXISTS (SELECT '
            '1 FROM audit_purge WHERE OLD.occurred_at < audit_purge.cutoff) BEGIN SELECT '
            "RAISE(ABORT, 'audit trail is append-only (see flask purge-audit-trail)'); END",
            'CREATE TRIGGER audit_purge_append_only BEFORE UPDATE ON audit_purge BEGIN SELECT '
            "RAISE(ABORT, 'audit trail is append-only (see flask purge-audit-trail)'); END",
            'CREATE TRIGGER audit_purge_kept BEFORE DELETE ON audit_purge BEGIN SELECT '
            "RAISE(ABORT, 'audit trail is append-only (see flask purge-audit-trail)'); END"]}
DROP_APPEND_ONLY_DDL = {'postgresql': ['DROP TRIGGER IF EXISTS audit_purge_not_truncated ON audit_purge',
                'DROP TRIGGER IF EXISTS audit_purge_append_only ON audit_purge',
                'DROP TRIGGER IF EXISTS audit_event_not_truncated ON audit_event',
                'DROP TRIGGER IF EXISTS audit_event_kept ON audit_event',
                'DROP FUNCTION IF EXISTS audit_event_kept()',
                'DROP FUNCTION IF EXISTS audit_trail_refused()'],
 'sqlite': ['DROP TRIGGER IF EXISTS audit_purge_kept',
            'DROP TRIGGER IF EXISTS audit_purge_append_only',
            'DROP TRIGGER IF EXISTS audit_event_kept']}


def upgrade():
    op.create_table('audit_purge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cutoff', sa.DateTime(timezone=True), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_purge'))
    )
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROP_APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_table('audit_purge')
