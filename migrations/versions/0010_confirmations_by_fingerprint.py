"""confirmations name their pilot: findings other writers of the pilot confirmed are not asked again

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

#: each kind of record a confirmation names, and how to find its pilot
PILOT_OF = {
    "case_discussion": "SELECT pilot_id FROM case_discussion WHERE id = record_id",
    "lesson": "SELECT pilot_id FROM lesson WHERE id = record_id",
    "lesson_reuse": "SELECT pilot_id FROM lesson_reuse WHERE id = record_id",
    "measure": "SELECT pilot_id FROM measure WHERE id = record_id",
    "measure_value": "SELECT measure.pilot_id FROM measure_value JOIN measure "
                     "ON measure.id = measure_value.measure_id WHERE measure_value.id = record_id",
    "experiment": "SELECT pilot_id FROM experiment WHERE id = record_id",
    "pilot": "SELECT id FROM pilot WHERE id = record_id",
}


def upgrade():
    with op.batch_alter_table("privacy_confirmation") as table:
        table.add_column(sa.Column("pilot_id", sa.Integer(), nullable=True))
        table.create_foreign_key("fk_privacy_confirmation_pilot_id_pilot", "pilot",
                                 ["pilot_id"], ["id"], ondelete="CASCADE")
        table.create_index("ix_privacy_confirmation_pilot_fingerprint",
                           ["pilot_id", "fingerprint", "confirmed_by_id"])
    for record_type, pilot_query in PILOT_OF.items():
        op.execute(sa.text(
            f"UPDATE privacy_confirmation SET pilot_id = ({pilot_query}) "
            "WHERE record_type = :record_type"
        ).bindparams(record_type=record_type))


def downgrade():
    with op.batch_alter_table("privacy_confirmation") as table:
        table.drop_index("ix_privacy_confirmation_pilot_fingerprint")
        table.drop_constraint("fk_privacy_confirmation_pilot_id_pilot", type_="foreignkey")
        table.drop_column("pilot_id")
