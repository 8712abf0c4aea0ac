"""initial schema and reference data

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 09:41:15.313234

"""
from alembic import op
import sqlalchemy as sa


# The framework's reference data as it stood when this migration was written, so that the
# migration gives the same database whatever later versions of the package hold.
REFERENCE_ROWS = {'carer_question': [{'number': 1,
                     'name_nl': 'Hoe zorg ik voor mijn naaste samen met beroepskrachten?',
                     'name_en': 'How do I care for my loved one together with professionals?'},
                    {'number': 2,
                     'name_nl': 'Hoe houd ik het zorgen voor mijn naaste vol?',
                     'name_en': 'How do I keep up caring for my loved one?'},
                    {'number': 3,
                     'name_nl': 'Hoe geef ik op een goede manier zorg en ondersteuning aan mijn '
                                'naaste?',
                     'name_en': 'How do I give good care and support to my loved one?'}],
 'solution_direction': [{'number': 1,
                         'name_nl': 'Betere samenwerking tussen mantelzorgers en beroepskrachten',
                         'name_en': 'Better collaboration between informal carers and '
                                    'professionals'},
                        {'number': 2,
                         'name_nl': 'Betere samenwerking tussen beroepskrachten onderling',
                         'name_en': 'Better collaboration among professionals'},
                        {'number': 3,
                         'name_nl': 'Betere samenwerking tussen organisaties in zorg en welzijn',
                         'name_en': 'Better collaboration between care and welfare organisations'},
                        {'number': 4,
                         'name_nl': 'Benutten van digitale hulpmiddelen in de samenwerking tussen '
                                    'mantelzorger en beroepskracht',
                         'name_en': 'Using digital tools in the collaboration between informal '
                                    'carer and professional'},
                        {'number': 5,
                         'name_nl': 'Vergroten van de draagkracht van de mantelzorger',
                         'name_en': "Increasing the informal carer's resilience"},
                        {'number': 6,
                         'name_nl': 'Verkleinen van de draaglast van de mantelzorger door het '
                                    'versterken van het netwerk (van cliënt en/of mantelzorger)',
                         'name_en': "Reducing the informal carer's burden by strengthening the "
                                    'network (of client and/or carer)'},
                        {'number': 7,
                         'name_nl': 'Beroepskrachten hebben in alle fasen oog voor de draagkracht '
                                    'van de mantelzorger',
                         'name_en': "Professionals keep the informal carer's resilience in view in "
                                    'every phase'},
                        {'number': 8,
                         'name_nl': 'Beroepskrachten en mantelzorgers rusten elkaar toe op het '
                                    'gebied van zorghandelingen',
                         'name_en': 'Professionals and informal carers equip each other for care '
                                    'tasks'},
                        {'number': 9,
                         'name_nl': 'Beroepskrachten en mantelzorgers rusten elkaar toe op het '
                                    'gebied van veranderend gedrag van de naaste/cliënt',
                         'name_en': 'Professionals and informal carers equip each other for the '
                                    'changing behaviour of the loved one or client'},
                        {'number': 10,
                         'name_nl': 'Mantelzorgers en beroepskrachten gaan het gesprek aan over '
                                    "morele dilemma's in de zorg",
                         'name_en': 'Informal carers and professionals talk about moral dilemmas '
                                    'in care'}],
 'discipline': [{'key': 'gp',
                 'name_nl': 'Huisarts',
                 'name_en': 'General practitioner',
                 'essential': True,
                 'position': 0},
                {'key': 'district_nurse',
                 'name_nl': 'Wijkverpleegkundige',
                 'name_en': 'District nurse',
                 'essential': True,
                 'position': 1},
                {'key': 'wmo_consultant',
                 'name_nl': 'Wmo-consulent',
                 'name_en': 'Social support (Wmo) consultant',
                 'essential': True,
                 'position': 2},
                {'key': 'social_worker',
                 'name_nl': 'Sociaal werker',
                 'name_en': 'Social worker',
                 'essential': True,
                 'position': 3},
                {'key': 'case_manager',
                 'name_nl': 'Casemanager',
                 'name_en': 'Case manager',
                 'essential': False,
                 'position': 4},
                {'key': 'elderly_care_physician',
                 'name_nl': 'Specialist ouderengeneeskunde',
                 'name_en': 'Elderly care physician',
                 'essential': False,
                 'position': 5},
                {'key': 'practice_nurse',
                 'name_nl': 'Praktijkondersteuner',
                 'name_en': 'Practice nurse',
                 'essential': False,
                 'position': 6},
                {'key': 'pharmacist',
                 'name_nl': 'Apotheker',
                 'name_en': 'Pharmacist',
                 'essential': False,
                 'position': 7},
                {'key': 'physiotherapist',
                 'name_nl': 'Fysiotherapeut',
                 'name_en': 'Physiotherapist',
                 'essential': False,
                 'position': 8},
                {'key': 'carer_consultant',
                 'name_nl': 'Mantelzorgconsulent',
                 'name_en': 'Informal carer consultant',
                 'essential': False,
                 'position': 9},
                {'key': 'care_worker',
                 'name_nl': 'Verzorgende',
                 'name_en': 'Care worker',
                 'essential': False,
                 'position': 10},
                {'key': 'home_help',
                 'name_nl': 'Huishoudelijke hulp',
                 'name_en': 'Home help',
                 'essential': False,
                 'position': 11},
                {'key': 'spiritual_carer',
                 'name_nl': 'Geestelijk verzorger',
                 'name_en': 'Spiritual carer',
                 'essential': False,
                 'position': 12},
                {'key': 'volunteer',
                 'name_nl': 'Vrijwilliger',
                 'name_en': 'Volunteer',
                 'essential': False,
                 'position': 13},
                {'key': 'informal_carer',
                 'name_nl': 'Mantelzorger',
                 'name_en': 'Informal carer',
                 'essential': False,
                 'position': 14},
                {'key': 'policy_maker',
                 'name_nl': 'Beleidsmaker gemeente',
                 'name_en': 'Municipal policy maker',
                 'essential': False,
                 'position': 15}],
 'target_group': [{'key': 'frail_elderly',
                   'name_nl': 'Kwetsbare ouderen thuis',
                   'name_en': 'Frail older people at home',
                   'position': 0},
                  {'key': 'palliative',
                   'name_nl': 'Mensen in de palliatieve fase',
                   'name_en': 'People in the palliative phase',
                   'position': 1},
                  {'key': 'dementia',
                   'name_nl': 'Mensen met dementie',
                   'name_en': 'People with dementia',
                   'position': 2},
                  {'key': 'chronic_illness',
                   'name_nl': 'Chronisch zieken (bijv. Parkinson, COPD, kanker)',
                   'name_en': "Chronically ill (e.g. Parkinson's, COPD, cancer)",
                   'position': 3},
                  {'key': 'informal_carers',
                   'name_nl': 'Mantelzorgers',
                   'name_en': 'Informal carers',
                   'position': 4}],
 'region': [{'name': 'Groningen', 'country': 'NL', 'position': 0},
            {'name': 'Fryslân', 'country': 'NL', 'position': 1},
            {'name': 'Drenthe', 'country': 'NL', 'position': 2},
            {'name': 'Overijssel', 'country': 'NL', 'position': 3},
            {'name': 'Flevoland', 'country': 'NL', 'position': 4},
            {'name': 'Gelderland', 'country': 'NL', 'position': 5},
            {'name': 'Utrecht', 'country': 'NL', 'position': 6},
            {'name': 'Noord-Holland', 'country': 'NL', 'position': 7},
            {'name': 'Zuid-Holland', 'country': 'NL', 'position': 8},
            {'name': 'Zeeland', 'country': 'NL', 'position': 9},
            {'name': 'Noord-Brabant', 'country': 'NL', 'position': 10},
            {'name': 'Limburg', 'country': 'NL', 'position': 11},
            {'name': 'Antwerpen', 'country': 'BE', 'position': 12},
            {'name': 'Limburg (BE)', 'country': 'BE', 'position': 13},
            {'name': 'Oost-Vlaanderen', 'country': 'BE', 'position': 14},
            {'name': 'Vlaams-Brabant', 'country': 'BE', 'position': 15},
            {'name': 'West-Vlaanderen', 'country': 'BE', 'position': 16},
            {'name': 'Brussel', 'country': 'BE', 'position': 17}]}

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('carer_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name_nl', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carer_question')),
    sa.UniqueConstraint('number', name=op.f('uq_carer_question_number'))
    )
    op.create_table('discipline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('essential', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_nl', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discipline')),
    sa.UniqueConstraint('key', name=op.f('uq_discipline_key'))
    )
    op.create_table('programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('accepts_applications', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme')),
    sa.UniqueConstraint('name', name=op.f('uq_programme_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_programme_slug'))
    )
    op.create_table('region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region')),
    sa.UniqueConstraint('name', name=op.f('uq_region_name'))
    )
    op.create_table('solution_direction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name_nl', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solution_direction')),
    sa.UniqueConstraint('number', name=op.f('uq_solution_direction_number'))
    )
    op.create_table('target_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_nl', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_group')),
    sa.UniqueConstraint('key', name=op.f('uq_target_group_key'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'facilitator', 'participant', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    op.create_table('pilot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('scale', sa.Enum('neighbourhood', 'local', 'regional', name='pilotscale', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('applied', 'selected', 'declined', 'active', 'completed', 'stopped', name='pilotstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('theme', sa.Text(), nullable=False),
    sa.Column('ambition', sa.Text(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_pilot_programme_id_programme')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_pilot_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot')),
    sa.UniqueConstraint('slug', name=op.f('uq_pilot_slug'))
    )
    with op.batch_alter_table('pilot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilot_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilot_status'), ['status'], unique=False)

    op.create_table('programme_facilitator',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_facilitator_programme_id_programme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_programme_facilitator_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'user_id', name=op.f('pk_programme_facilitator'))
    )
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=160), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_agreement_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('member_role', sa.Enum('member', 'coordinator', name='memberrole', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('nonce', sa.String(length=43), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user_account.id'], name=op.f('fk_invitation_accepted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_invitation_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_invitation_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('member', 'coordinator', name='memberrole', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_membership_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('pilot_id', 'user_id', name=op.f('uq_membership_pilot_id'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('pilot_direction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('direction_id', sa.Integer(), nullable=False),
    sa.Column('direction_number', sa.Integer(), nullable=False),
    sa.Column('task', sa.Text(), nullable=False),
    sa.Column('desired_outcome', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['direction_id'], ['solution_direction.id'], name=op.f('fk_pilot_direction_direction_id_solution_direction'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_pilot_direction_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_direction')),
    sa.UniqueConstraint('pilot_id', 'direction_id', name=op.f('uq_pilot_direction_pilot_id'))
    )
    with op.batch_alter_table('pilot_direction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_direction_direction_id'), ['direction_id'], unique=False)

    op.create_table('pilot_discipline',
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('discipline_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['discipline_id'], ['discipline.id'], name=op.f('fk_pilot_discipline_discipline_id_discipline'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_pilot_discipline_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pilot_id', 'discipline_id', name=op.f('pk_pilot_discipline'))
    )
    op.create_table('pilot_organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.Enum('care', 'welfare', 'municipality', 'volunteers', 'general_practice', 'carer_support', 'insurer', 'knowledge', 'other', name='organisationkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_pilot_organisation_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_organisation'))
    )
    with op.batch_alter_table('pilot_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_organisation_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_question',
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_pilot_question_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['carer_question.id'], name=op.f('fk_pilot_question_question_id_carer_question'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('pilot_id', 'question_id', name=op.f('pk_pilot_question'))
    )
    op.create_table('pilot_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('applied', 'selected', 'declined', 'active', 'completed', 'stopped', name='from_status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('applied', 'selected', 'declined', 'active', 'completed', 'stopped', name='to_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'], name=op.f('fk_pilot_status_change_changed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_pilot_status_change_pilot_id_pilot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_status_change'))
    )
    with op.batch_alter_table('pilot_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_status_change_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_target_group',
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_pilot_target_group_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_group.id'], name=op.f('fk_pilot_target_group_target_group_id_target_group'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('pilot_id', 'target_group_id', name=op.f('pk_pilot_target_group'))
    )
    # ### end Alembic commands ###

    for table_name, rows in REFERENCE_ROWS.items():
        table = sa.table(table_name, *(sa.column(name) for name in rows[0]))
        op.bulk_insert(table, rows)


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('pilot_target_group')
    with op.batch_alter_table('pilot_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_status_change_pilot_id'))

    op.drop_table('pilot_status_change')
    op.drop_table('pilot_question')
    with op.batch_alter_table('pilot_organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_organisation_pilot_id'))

    op.drop_table('pilot_organisation')
    op.drop_table('pilot_discipline')
    with op.batch_alter_table('pilot_direction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_direction_direction_id'))

    op.drop_table('pilot_direction')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))

    op.drop_table('membership')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_pilot_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_pilot_id'))

    op.drop_table('agreement')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))

    op.drop_table('user_session')
    op.drop_table('programme_facilitator')
    with op.batch_alter_table('pilot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_status'))
        batch_op.drop_index(batch_op.f('ix_pilot_region_id'))
        batch_op.drop_index(batch_op.f('ix_pilot_programme_id'))

    op.drop_table('pilot')
    op.drop_table('user_account')
    op.drop_table('target_group')
    op.drop_table('solution_direction')
    op.drop_table('region')
    op.drop_table('programme')
    op.drop_table('discipline')
    op.drop_table('carer_question')
    # ### end Alembic commands ###
