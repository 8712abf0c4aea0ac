"""each account keeps its language, for the e-mail sent to it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:15:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account') as table:
        table.add_column(sa.Column('language', sa.String(length=5), nullable=False,
                                   server_default='nl'))


def downgrade():
    with op.batch_alter_table('user_account') as table:
        table.drop_column('language')
