"""pilot measures with monthly values, PDSA experiments, lessons citing experiments

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:41:57.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('experiment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('do', sa.Text(), nullable=False),
    sa.Column('study', sa.Text(), nullable=False),
    sa.Column('act_decision', sa.Enum('adopt', 'adapt', 'abandon', name='actdecision', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('act', sa.Text(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_experiment_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_experiment_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_experiment_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experiment'))
    )
    with op.batch_alter_table('experiment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experiment_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index('ix_experiment_pilot_id_started_on', ['pilot_id', 'started_on'], unique=False)

    op.create_table('measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('goal', sa.Float(), nullable=True),
    sa.Column('direction', sa.Enum('higher', 'lower', name='improvementdirection', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_measure_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure'))
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index('ix_measure_pilot_id_position', ['pilot_id', 'position'], unique=False)

    op.create_table('experiment_direction',
    sa.Column('experiment_id', sa.Integer(), nullable=False),
    sa.Column('direction_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['direction_id'], ['solution_direction.id'], name=op.f('fk_experiment_direction_direction_id_solution_direction'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['experiment_id'], ['experiment.id'], name=op.f('fk_experiment_direction_experiment_id_experiment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('experiment_id', 'direction_id', name=op.f('pk_experiment_direction'))
    )
    with op.batch_alter_table('experiment_direction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experiment_direction_direction_id'), ['direction_id'], unique=False)

    op.create_table('experiment_measure',
    sa.Column('experiment_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['experiment_id'], ['experiment.id'], name=op.f('fk_experiment_measure_experiment_id_experiment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_experiment_measure_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('experiment_id', 'measure_id', name=op.f('pk_experiment_measure'))
    )
    with op.batch_alter_table('experiment_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experiment_measure_measure_id'), ['measure_id'], unique=False)

    op.create_table('lesson_experiment',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('experiment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['experiment_id'], ['experiment.id'], name=op.f('fk_lesson_experiment_experiment_id_experiment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_experiment_lesson_id_lesson'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lesson_id', 'experiment_id', name=op.f('pk_lesson_experiment'))
    )
    with op.batch_alter_table('lesson_experiment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_experiment_experiment_id'), ['experiment_id'], unique=False)

    op.create_table('measure_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_measure_value_entered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_value_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_value')),
    sa.UniqueConstraint('measure_id', 'month', name=op.f('uq_measure_value_measure_id'))
    )
    with op.batch_alter_table('measure_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_value_entered_by_id'), ['entered_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('measure_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_value_entered_by_id'))

    op.drop_table('measure_value')
    with op.batch_alter_table('lesson_experiment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_experiment_experiment_id'))

    op.drop_table('lesson_experiment')
    with op.batch_alter_table('experiment_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experiment_measure_measure_id'))

    op.drop_table('experiment_measure')
    with op.batch_alter_table('experiment_direction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experiment_direction_direction_id'))

    op.drop_table('experiment_direction')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_pilot_id_position')

    op.drop_table('measure')
    with op.batch_alter_table('experiment', schema=None) as batch_op:
        batch_op.drop_index('ix_experiment_pilot_id_started_on')
        batch_op.drop_index(batch_op.f('ix_experiment_created_by_id'))

    op.drop_table('experiment')
