"""an index on confirmations by fingerprint: findings several writers confirmed are not asked again

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_privacy_confirmation_fingerprint", "privacy_confirmation",
        ["fingerprint", "confirmed_by_id"],
    )


def downgrade():
    op.drop_index("ix_privacy_confirmation_fingerprint", table_name="privacy_confirmation")
