"""following a library selection or a pilot by e-mail

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 23:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('frequency', sa.Enum('weekly', 'monthly', name='frequency', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('selection', sa.String(length=1000), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('covered_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_subscription_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_subscription_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription')),
    sa.UniqueConstraint('email', 'selection', name=op.f('uq_subscription_email'))
    )
    op.create_index('ix_subscription_due', 'subscription', ['frequency', 'confirmed_at'], unique=False)
    op.create_index(op.f('ix_subscription_pilot_id'), 'subscription', ['pilot_id'], unique=False)
    op.create_index(op.f('ix_subscription_user_id'), 'subscription', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_subscription_user_id'), table_name='subscription')
    op.drop_index(op.f('ix_subscription_pilot_id'), table_name='subscription')
    op.drop_index('ix_subscription_due', table_name='subscription')
    op.drop_table('subscription')
