"""impact: pulse surveys (who answered apart from what was answered) and peer feedback

Revision ID: 0103
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0103'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('impact_settings',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('min_responses', sa.Integer(), nullable=False),
    sa.Column('digest_enabled', sa.Boolean(), nullable=False),
    sa.Column('digest_weekday', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('digest_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('digest_week', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('digest_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('min_responses >= 3', name=op.f('ck_impact_settings_min_responses')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_impact_settings_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_impact_settings'))
    )
    op.create_table('pulse_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('with_enps', sa.Boolean(), nullable=False),
    sa.Column('with_comment', sa.Boolean(), nullable=False),
    sa.Column('cadence', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('open_days', sa.Integer(), nullable=False),
    sa.Column('share_in_channel', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("cadence IN ('once','biweekly','monthly')", name=op.f('ck_pulse_series_cadence')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pulse_series_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_pulse_series_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_series'))
    )
    with op.batch_alter_table('pulse_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_series_team_id'), ['team_id'], unique=False)

    op.create_table('pulse_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('with_enps', sa.Boolean(), nullable=False),
    sa.Column('with_comment', sa.Boolean(), nullable=False),
    sa.Column('opens_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.CheckConstraint("status IN ('open','closed')", name=op.f('ck_pulse_surveys_status')),
    sa.ForeignKeyConstraint(['series_id'], ['pulse_series.id'], name=op.f('fk_pulse_surveys_series_id_pulse_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pulse_surveys_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_pulse_surveys_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_surveys'))
    )
    with op.batch_alter_table('pulse_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_surveys_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pulse_surveys_team_id'), ['team_id'], unique=False)

    op.create_table('pulse_answers',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('enps', sa.Integer(), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['pulse_surveys.id'], name=op.f('fk_pulse_answers_survey_id_pulse_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_answers'))
    )
    with op.batch_alter_table('pulse_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_answers_survey_id'), ['survey_id'], unique=False)

    op.create_table('pulse_invites',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('dm_sent', sa.Boolean(), nullable=False),
    sa.Column('reminded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_pulse_invites_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['pulse_surveys.id'], name=op.f('fk_pulse_invites_survey_id_pulse_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'member_id', name=op.f('pk_pulse_invites'))
    )
    op.create_table('feedback_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_feedback_requests_objective_id_objectives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['members.id'], name=op.f('fk_feedback_requests_owner_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_feedback_requests_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_requests'))
    )
    with op.batch_alter_table('feedback_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_requests_objective_id'), ['objective_id'], unique=False)

    op.create_table('feedback_answers',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=True),
    sa.Column('went_well', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('try_next', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('knowledge_sharing', sa.Integer(), nullable=True),
    sa.Column('mentoring', sa.Integer(), nullable=True),
    sa.Column('released', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['giver_id'], ['members.id'], name=op.f('fk_feedback_answers_giver_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['feedback_requests.id'], name=op.f('fk_feedback_answers_request_id_feedback_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_answers'))
    )
    with op.batch_alter_table('feedback_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_answers_request_id'), ['request_id'], unique=False)

    op.create_table('feedback_asks',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['giver_id'], ['members.id'], name=op.f('fk_feedback_asks_giver_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['feedback_requests.id'], name=op.f('fk_feedback_asks_request_id_feedback_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'giver_id', name=op.f('pk_feedback_asks'))
    )


def downgrade() -> None:
    op.drop_table('feedback_asks')
    with op.batch_alter_table('feedback_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_answers_request_id'))

    op.drop_table('feedback_answers')
    with op.batch_alter_table('feedback_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_requests_objective_id'))

    op.drop_table('feedback_requests')
    op.drop_table('pulse_invites')
    with op.batch_alter_table('pulse_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_answers_survey_id'))

    op.drop_table('pulse_answers')
    with op.batch_alter_table('pulse_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_surveys_team_id'))
        batch_op.drop_index(batch_op.f('ix_pulse_surveys_series_id'))

    op.drop_table('pulse_surveys')
    with op.batch_alter_table('pulse_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_series_team_id'))

    op.drop_table('pulse_series')
    op.drop_table('impact_settings')
