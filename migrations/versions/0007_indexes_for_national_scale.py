"""indexes the library, the API and the dashboards need at national scale

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_lesson_first_published_at', 'lesson', ['first_published_at', 'id'],
                    unique=False)
    # Replaces the index on pilot_id alone, which it covers as its first column; with the
    # next one, the dashboards count and date a pilot's lessons and cases from indexes only.
    op.create_index('ix_lesson_pilot', 'lesson',
                    ['pilot_id', 'public_revision_id', 'status', 'created_at', 'submitted_at'],
                    unique=False)
    op.drop_index('ix_lesson_pilot_id', table_name='lesson')
    op.create_index('ix_case_discussion_pilot_id_activity', 'case_discussion',
                    ['pilot_id', 'updated_at', 'created_at'], unique=False)
    # Covering indexes: the library's search reads these columns of tens of thousands of
    # lessons at a time, and the rows themselves are mostly text.
    op.create_index('ix_lesson_library', 'lesson',
                    ['id', 'public_revision_id', 'pilot_id', 'first_published_at'], unique=False)
    op.create_index('ix_lesson_revision_library', 'lesson_revision', ['id', 'kind', 'level'],
                    unique=False)
    op.create_index('ix_pilot_library', 'pilot', ['id', 'status', 'region_id', 'programme_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_pilot_library', table_name='pilot')
    op.drop_index('ix_lesson_revision_library', table_name='lesson_revision')
    op.drop_index('ix_lesson_library', table_name='lesson')
    op.drop_index('ix_case_discussion_pilot_id_activity', table_name='case_discussion')
    op.create_index('ix_lesson_pilot_id', 'lesson', ['pilot_id'], unique=False)
    op.drop_index('ix_lesson_pilot', table_name='lesson')
    op.drop_index('ix_lesson_first_published_at', table_name='lesson')
