"""assessing a call's applications: external assessors, scores, conflicts of interest and
decisions; a call is decided once every application is

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application_call', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('call_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='nl',
                                      nullable=False))
    op.create_table('call_assessor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('nonce', sa.String(length=43), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['application_call.id'], name=op.f('fk_call_assessor_call_id_application_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'], name=op.f('fk_call_assessor_invited_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_call_assessor_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_assessor')),
    sa.UniqueConstraint('call_id', 'email', name=op.f('uq_call_assessor_call_id'))
    )
    op.create_index(op.f('ix_call_assessor_user_id'), 'call_assessor', ['user_id'], unique=False)
    op.create_table('application_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_application_score_score_in_range')),
    sa.ForeignKeyConstraint(['criterion_id'], ['call_criterion.id'], name=op.f('fk_application_score_criterion_id_call_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_application_score_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_application_score_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_score')),
    sa.UniqueConstraint('pilot_id', 'criterion_id', 'user_id', name=op.f('uq_application_score_pilot_id'))
    )
    op.create_index(op.f('ix_application_score_criterion_id'), 'application_score', ['criterion_id'], unique=False)
    op.create_index(op.f('ix_application_score_pilot_id'), 'application_score', ['pilot_id'], unique=False)
    op.create_index(op.f('ix_application_score_user_id'), 'application_score', ['user_id'], unique=False)
    op.create_table('assessment_conflict',
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_assessment_conflict_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_assessment_conflict_user_id_user_account')),
    sa.PrimaryKeyConstraint('pilot_id', 'user_id', name=op.f('pk_assessment_conflict'))
    )
    op.create_table('call_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('selected', 'declined', name='decisionoutcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['application_call.id'], name=op.f('fk_call_decision_call_id_application_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_call_decision_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_call_decision_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_decision')),
    sa.UniqueConstraint('pilot_id', name=op.f('uq_call_decision_pilot_id'))
    )
    op.create_index(op.f('ix_call_decision_call_id'), 'call_decision', ['call_id'], unique=False)
    _decisions_already_taken()


def _decisions_already_taken():
    """Applications decided before there were decisions keep theirs with their call, from
    the lifecycle step that decided them; a closed call with none waiting is decided."""
    op.execute(
        "INSERT INTO call_decision (call_id, pilot_id, outcome, reason, decided_by_id, decided_at) "
        "SELECT ca.call_id, c.pilot_id, c.to_status, c.reason, c.changed_by_id, c.created_at "
        "FROM pilot_status_change c JOIN call_application ca ON ca.pilot_id = c.pilot_id "
        "WHERE c.from_status = 'applied' AND c.to_status IN ('selected', 'declined')")
    op.execute(
        "UPDATE application_call SET decided_at = CURRENT_TIMESTAMP "
        "WHERE (closed_early_at IS NOT NULL OR closes_on < CURRENT_DATE) AND NOT EXISTS ("
        "SELECT 1 FROM call_application ca JOIN pilot p ON p.id = ca.pilot_id "
        "WHERE ca.call_id = application_call.id AND p.status = 'applied')")


def downgrade():
    op.drop_index(op.f('ix_call_decision_call_id'), table_name='call_decision')
    op.drop_table('call_decision')
    op.drop_table('assessment_conflict')
    op.drop_index(op.f('ix_application_score_user_id'), table_name='application_score')
    op.drop_index(op.f('ix_application_score_pilot_id'), table_name='application_score')
    op.drop_index(op.f('ix_application_score_criterion_id'), table_name='application_score')
    op.drop_table('application_score')
    op.drop_index(op.f('ix_call_assessor_user_id'), table_name='call_assessor')
    op.drop_table('call_assessor')
    with op.batch_alter_table('call_application', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('application_call', schema=None) as batch_op:
        batch_op.drop_column('decided_at')
