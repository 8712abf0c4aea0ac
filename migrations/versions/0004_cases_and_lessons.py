"""case discussions, lessons and privacy confirmations; deletions in the audit trail

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:10:00.488001

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OLD_ACTIONS = ('created', 'changed', 'viewed', 'exported', 'submitted', 'published',
               'returned', 'withdrawn')
NEW_ACTIONS = OLD_ACTIONS + ('deleted',)

# Frozen copy of the append-only trigger of revision 0003: rebuilding the table on SQLite
# drops it, so it is made again.
SQLITE_APPEND_ONLY = (
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
)


def _action_type(actions):
    return sa.Enum(*actions, name='auditaction', native_enum=False, create_constraint=True,
                   length=32)


def _audit_event(actions, user_nullable):
    """Let the trail record deletions, and events of the system itself (no user)."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table('audit_event', recreate='always' if sqlite else 'auto') as batch_op:
        batch_op.alter_column('action', type_=_action_type(actions),
                              existing_type=_action_type(OLD_ACTIONS if actions == NEW_ACTIONS
                                                         else NEW_ACTIONS),
                              existing_nullable=False)
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=user_nullable)
    if sqlite:
        op.execute(SQLITE_APPEND_ONLY)


def upgrade():
    op.create_table('privacy_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user_account.id'], name=op.f('fk_privacy_confirmation_confirmed_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_confirmation')),
    sa.UniqueConstraint('record_type', 'record_id', 'fingerprint', name=op.f('uq_privacy_confirmation_record_type'))
    )
    op.create_table('case_discussion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('status', sa.Enum('draft', 'final', name='casestatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('presenter_question', sa.Text(), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('carer_perspective', sa.Text(), nullable=False),
    sa.Column('went_well', sa.Text(), nullable=False),
    sa.Column('group_advice', sa.Text(), nullable=False),
    sa.Column('could_do_better', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_case_discussion_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_case_discussion_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_case_discussion_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_discussion'))
    )
    with op.batch_alter_table('case_discussion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_discussion_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index('ix_case_discussion_pilot_id_held_on', ['pilot_id', 'held_on'], unique=False)

    op.create_table('lesson',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'published', 'returned', 'withdrawn', name='lessonstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('public_revision_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('advice', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('success_factor', 'precondition', 'point_of_attention', 'barrier', 'did_not_work', name='lessonkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('level', sa.Enum('professional', 'local_regional', 'national', name='lessonlevel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('evidence', sa.Enum('single_case', 'several_cases', 'measured', 'evaluated', name='evidencebasis', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_lesson_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_lesson_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_lesson_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson'))
    )
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_pilot_id'), ['pilot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_status'), ['status'], unique=False)

    op.create_table('case_direction',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('direction_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_discussion.id'], name=op.f('fk_case_direction_case_id_case_discussion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['direction_id'], ['solution_direction.id'], name=op.f('fk_case_direction_direction_id_solution_direction'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('case_id', 'direction_id', name=op.f('pk_case_direction'))
    )
    with op.batch_alter_table('case_direction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_direction_direction_id'), ['direction_id'], unique=False)

    op.create_table('case_discipline',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('discipline_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_discussion.id'], name=op.f('fk_case_discipline_case_id_case_discussion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['discipline_id'], ['discipline.id'], name=op.f('fk_case_discipline_discipline_id_discipline'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('case_id', 'discipline_id', name=op.f('pk_case_discipline'))
    )
    with op.batch_alter_table('case_discipline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_discipline_discipline_id'), ['discipline_id'], unique=False)

    op.create_table('case_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=160), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_discussion.id'], name=op.f('fk_case_follow_up_case_id_case_discussion'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_follow_up'))
    )
    with op.batch_alter_table('case_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_follow_up_case_id'), ['case_id'], unique=False)

    op.create_table('case_question',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_discussion.id'], name=op.f('fk_case_question_case_id_case_discussion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['carer_question.id'], name=op.f('fk_case_question_question_id_carer_question'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('case_id', 'question_id', name=op.f('pk_case_question'))
    )
    with op.batch_alter_table('case_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_question_question_id'), ['question_id'], unique=False)

    op.create_table('lesson_direction',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('direction_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['direction_id'], ['solution_direction.id'], name=op.f('fk_lesson_direction_direction_id_solution_direction'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_direction_lesson_id_lesson'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lesson_id', 'direction_id', name=op.f('pk_lesson_direction'))
    )
    with op.batch_alter_table('lesson_direction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_direction_direction_id'), ['direction_id'], unique=False)

    op.create_table('lesson_question',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_question_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['carer_question.id'], name=op.f('fk_lesson_question_question_id_carer_question'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('lesson_id', 'question_id', name=op.f('pk_lesson_question'))
    )
    with op.batch_alter_table('lesson_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_question_question_id'), ['question_id'], unique=False)

    op.create_table('lesson_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('published', 'returned', 'withdrawn', name='reviewdecision', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_review_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_lesson_review_reviewer_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_review'))
    )
    with op.batch_alter_table('lesson_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_review_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('lesson_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('advice', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('success_factor', 'precondition', 'point_of_attention', 'barrier', 'did_not_work', name='lessonkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('level', sa.Enum('professional', 'local_regional', 'national', name='lessonlevel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('evidence', sa.Enum('single_case', 'several_cases', 'measured', 'evaluated', name='evidencebasis', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_revision_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_lesson_revision_published_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_revision')),
    sa.UniqueConstraint('lesson_id', 'number', name=op.f('uq_lesson_revision_lesson_id'))
    )
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_revision_published_at'), ['published_at'], unique=False)

    op.create_table('lesson_source_case',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_discussion.id'], name=op.f('fk_lesson_source_case_case_id_case_discussion'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_source_case_lesson_id_lesson'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lesson_id', 'case_id', name=op.f('pk_lesson_source_case'))
    )
    with op.batch_alter_table('lesson_source_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_source_case_case_id'), ['case_id'], unique=False)

    op.create_table('lesson_target_group',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_target_group_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_group.id'], name=op.f('fk_lesson_target_group_target_group_id_target_group'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('lesson_id', 'target_group_id', name=op.f('pk_lesson_target_group'))
    )
    with op.batch_alter_table('lesson_target_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_target_group_target_group_id'), ['target_group_id'], unique=False)

    op.create_table('lesson_revision_direction',
    sa.Column('lesson_revision_id', sa.Integer(), nullable=False),
    sa.Column('direction_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['direction_id'], ['solution_direction.id'], name=op.f('fk_lesson_revision_direction_direction_id_solution_direction'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['lesson_revision_id'], ['lesson_revision.id'], name=op.f('fk_lesson_revision_direction_lesson_revision_id_lesson_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lesson_revision_id', 'direction_id', name=op.f('pk_lesson_revision_direction'))
    )
    with op.batch_alter_table('lesson_revision_direction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_revision_direction_direction_id'), ['direction_id'], unique=False)

    op.create_table('lesson_revision_question',
    sa.Column('lesson_revision_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_revision_id'], ['lesson_revision.id'], name=op.f('fk_lesson_revision_question_lesson_revision_id_lesson_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['carer_question.id'], name=op.f('fk_lesson_revision_question_question_id_carer_question'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('lesson_revision_id', 'question_id', name=op.f('pk_lesson_revision_question'))
    )
    with op.batch_alter_table('lesson_revision_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_revision_question_question_id'), ['question_id'], unique=False)

    op.create_table('lesson_revision_target_group',
    sa.Column('lesson_revision_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_revision_id'], ['lesson_revision.id'], name=op.f('fk_lesson_revision_target_group_lesson_revision_id_lesson_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_group.id'], name=op.f('fk_lesson_revision_target_group_target_group_id_target_group'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('lesson_revision_id', 'target_group_id', name=op.f('pk_lesson_revision_target_group'))
    )
    with op.batch_alter_table('lesson_revision_target_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_revision_target_group_target_group_id'), ['target_group_id'], unique=False)
    _audit_event(NEW_ACTIONS, user_nullable=True)

    # lesson and lesson_revision point at each other: the second foreign key comes last.
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_lesson_public_revision_id_lesson_revision',
                                    'lesson_revision', ['public_revision_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text(
        "SELECT count(*) FROM audit_event WHERE action = 'deleted' OR user_id IS NULL"
    )).scalar():
        raise RuntimeError("The audit trail records deletions or system events, which "
                           "revision 0003 cannot hold; refusing to drop them.")
    _audit_event(OLD_ACTIONS, user_nullable=False)
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.drop_constraint('fk_lesson_public_revision_id_lesson_revision',
                                 type_='foreignkey')
    with op.batch_alter_table('lesson_revision_target_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_revision_target_group_target_group_id'))

    op.drop_table('lesson_revision_target_group')
    with op.batch_alter_table('lesson_revision_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_revision_question_question_id'))

    op.drop_table('lesson_revision_question')
    with op.batch_alter_table('lesson_revision_direction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_revision_direction_direction_id'))

    op.drop_table('lesson_revision_direction')
    with op.batch_alter_table('lesson_target_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_target_group_target_group_id'))

    op.drop_table('lesson_target_group')
    with op.batch_alter_table('lesson_source_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_source_case_case_id'))

    op.drop_table('lesson_source_case')
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_revision_published_at'))

    op.drop_table('lesson_revision')
    with op.batch_alter_table('lesson_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_review_lesson_id'))

    op.drop_table('lesson_review')
    with op.batch_alter_table('lesson_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_question_question_id'))

    op.drop_table('lesson_question')
    with op.batch_alter_table('lesson_direction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_direction_direction_id'))

    op.drop_table('lesson_direction')
    with op.batch_alter_table('case_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_question_question_id'))

    op.drop_table('case_question')
    with op.batch_alter_table('case_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_follow_up_case_id'))

    op.drop_table('case_follow_up')
    with op.batch_alter_table('case_discipline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_discipline_discipline_id'))

    op.drop_table('case_discipline')
    with op.batch_alter_table('case_direction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_direction_direction_id'))

    op.drop_table('case_direction')
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_status'))
        batch_op.drop_index(batch_op.f('ix_lesson_pilot_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_created_by_id'))

    op.drop_table('lesson')
    with op.batch_alter_table('case_discussion', schema=None) as batch_op:
        batch_op.drop_index('ix_case_discussion_pilot_id_held_on')
        batch_op.drop_index(batch_op.f('ix_case_discussion_created_by_id'))

    op.drop_table('case_discussion')
    op.drop_table('privacy_confirmation')
