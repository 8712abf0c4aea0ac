"""a programme's calls for applications and their criteria; each application belongs to one

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 06:00:00.000000

"""
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

#: the call made for the applications that came before calls: data, so in the default language
EARLIER_TITLE = "Aanmeldingen van vóór de rondes"


def upgrade():
    op.create_table('application_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('closed_early_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_application_call_closes_after_opening')),
    sa.CheckConstraint('places > 0', name=op.f('ck_application_call_places_positive')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_application_call_programme_id_programme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_call'))
    )
    op.create_index(op.f('ix_application_call_programme_id'), 'application_call', ['programme_id'], unique=False)
    op.create_table('call_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['application_call.id'], name=op.f('fk_call_criterion_call_id_application_call'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_criterion'))
    )
    op.create_index(op.f('ix_call_criterion_call_id'), 'call_criterion', ['call_id'], unique=False)
    # A table of its own rather than a column of pilot: on SQLite a new column with a foreign
    # key means rebuilding pilot, which drops its triggers.
    op.create_table('call_application',
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['application_call.id'], name=op.f('fk_call_application_call_id_application_call')),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_call_application_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pilot_id', name=op.f('pk_call_application'))
    )
    op.create_index(op.f('ix_call_application_call_id'), 'call_application', ['call_id'], unique=False)
    _calls_for_earlier_applications()


def _calls_for_earlier_applications():
    """Each programme with pilots gets one closed call, spanning the days they applied on,
    with a place for each pilot that was selected; its pilots belong to it."""
    connection = op.get_bind()
    programmes = connection.execute(sa.text(
        "SELECT programme_id, min(created_at), max(created_at), "
        "sum(CASE WHEN status IN ('selected', 'active', 'completed', 'stopped') "
        "THEN 1 ELSE 0 END) FROM pilot GROUP BY programme_id")).all()
    insert = sa.text(
        "INSERT INTO application_call (programme_id, title, text, opens_on, closes_on, places, "
        "closed_early_at, created_at, updated_at) VALUES (:programme, :title, '', :opens, "
        ":closes, :places, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
        "RETURNING id").bindparams(sa.bindparam("opens", type_=sa.Date()),
                                   sa.bindparam("closes", type_=sa.Date()))
    for programme_id, first, last, selected in programmes:
        call_id = connection.execute(insert, {
            "programme": programme_id, "title": EARLIER_TITLE, "opens": _day(first),
            "closes": _day(last), "places": max(int(selected or 0), 1)}).scalar()
        connection.execute(
            sa.text("INSERT INTO call_application (pilot_id, call_id) "
                    "SELECT id, :call FROM pilot WHERE programme_id = :programme"),
            {"call": call_id, "programme": programme_id})


def _day(moment) -> date:
    # PostgreSQL gives a datetime; SQLite, the stored text.
    return moment.date() if isinstance(moment, datetime) else date.fromisoformat(str(moment)[:10])


def downgrade():
    op.drop_index(op.f('ix_call_application_call_id'), table_name='call_application')
    op.drop_table('call_application')
    op.drop_index(op.f('ix_call_criterion_call_id'), table_name='call_criterion')
    op.drop_table('call_criterion')
    op.drop_index(op.f('ix_application_call_programme_id'), table_name='application_call')
    op.drop_table('application_call')
