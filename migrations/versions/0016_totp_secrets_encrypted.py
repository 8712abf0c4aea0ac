"""TOTP secrets encrypted at rest with TOTP_ENCRYPTION_KEY

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:45:00.000000

"""
import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, MultiFernet
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None



def _cipher() -> MultiFernet:
    keys = current_app.config["TOTP_ENCRYPTION_KEY"]
    if isinstance(keys, str):
        keys = [key.strip() for key in keys.split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in keys])


def _replace_column(length: int, change) -> None:
    """Put the secrets, changed, in a column of the new length, in place of the old one.

    A new column, not an ALTER: SQLite cannot change a column's type without rebuilding the
    table, and dropping the old user_account would cascade to every session and membership.
    Adding, dropping and renaming a column are done in place (SQLite 3.35 and newer).
    """
    with op.batch_alter_table('user_account', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('totp_secret_new', sa.String(length=length),
                                      nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, totp_secret FROM user_account WHERE totp_secret IS NOT NULL")).all()
    for user_id, value in rows:
        connection.execute(
            sa.text("UPDATE user_account SET totp_secret_new = :value WHERE id = :id"),
            {"value": change(value), "id": user_id})
    with op.batch_alter_table('user_account', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('totp_secret')
    with op.batch_alter_table('user_account', schema=None, recreate='never') as batch_op:
        batch_op.alter_column('totp_secret_new', new_column_name='totp_secret')


def upgrade():
    cipher = _cipher()
    _replace_column(255, lambda secret: cipher.encrypt(secret.encode()).decode())


def downgrade():
    cipher = _cipher()
    _replace_column(32, lambda token: cipher.decrypt(token.encode()).decode())
