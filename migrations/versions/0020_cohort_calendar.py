"""the calendar of a call's cohort: kick-off, learning sessions with their attendance and
report, harvest moments with their due day and reminder, and the close

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 06:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cohort_date',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('kickoff', 'session', 'harvest', 'close', name='cohortdatekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_time IS NULL OR (start_time IS NOT NULL AND end_time > start_time)', name=op.f('ck_cohort_date_ends_after_start')),
    sa.CheckConstraint('due_on IS NULL OR due_on >= held_on', name=op.f('ck_cohort_date_due_after_day')),
    sa.ForeignKeyConstraint(['call_id'], ['application_call.id'], name=op.f('fk_cohort_date_call_id_application_call'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_date'))
    )
    op.create_index('ix_cohort_date_call_id_held_on', 'cohort_date', ['call_id', 'held_on'], unique=False)
    op.create_table('cohort_date_pilot',
    sa.Column('cohort_date_id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_date_id'], ['cohort_date.id'], name=op.f('fk_cohort_date_pilot_cohort_date_id_cohort_date'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_cohort_date_pilot_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_date_id', 'pilot_id', name=op.f('pk_cohort_date_pilot'))
    )
    op.create_index(op.f('ix_cohort_date_pilot_pilot_id'), 'cohort_date_pilot', ['pilot_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_cohort_date_pilot_pilot_id'), table_name='cohort_date_pilot')
    op.drop_table('cohort_date_pilot')
    op.drop_index('ix_cohort_date_call_id_held_on', table_name='cohort_date')
    op.drop_table('cohort_date')
