"""what the library's readers look for: searches counted per month, lesson views per day

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_count',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('words', sa.String(length=200), nullable=False),
    sa.Column('facets', sa.String(length=400), nullable=False),
    sa.Column('found', sa.Boolean(), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'words', 'facets', 'found', name=op.f('pk_search_count'))
    )
    op.create_table('lesson_view_count',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_view_count_lesson_id_lesson'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lesson_id', 'day', name=op.f('pk_lesson_view_count'))
    )
    op.create_index('ix_lesson_view_count_day', 'lesson_view_count', ['day'], unique=False)


def downgrade():
    op.drop_index('ix_lesson_view_count_day', table_name='lesson_view_count')
    op.drop_table('lesson_view_count')
    op.drop_table('search_count')
