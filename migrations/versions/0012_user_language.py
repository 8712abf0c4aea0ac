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


# Plain ALTER TABLE, on SQLite too: a batch copy of user_account would drop the table its
# sessions and memberships point to, and take them with it (ON DELETE CASCADE).
def upgrade():
    op.add_column('user_account', sa.Column('language', sa.String(length=5), nullable=False,
                                            server_default='nl'))


def downgrade():
    op.drop_column('user_account', 'language')
