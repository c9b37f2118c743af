"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 08:45:47.657572
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workspaces',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workspaces'))
    )
    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('slack_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('tz', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('is_bot', sa.Boolean(), nullable=False),
    sa.Column('is_deleted', sa.Boolean(), nullable=False),
    sa.Column('refreshed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_members_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('workspace_id', 'slack_user_id', name=op.f('uq_members_workspace_id_slack_user_id'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=40000), nullable=False),
    sa.Column('blocks', sa.JSON(), nullable=True),
    sa.Column('thread_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('after_send', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('sent_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('sent_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending','sent','failed','skipped')", name=op.f('ck_outbox_status')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_outbox_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('tz', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('checkin_weekday', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('checkin_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('paused_reason', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("checkin_weekday IN ('mon','tue','wed','thu','fri','sat','sun')", name=op.f('ck_teams_checkin_weekday')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_teams_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('workspace_id', 'channel_id', name=op.f('uq_teams_workspace_id_channel_id'))
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('current_value', sa.Float(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('project', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('channel_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('achieved_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active','achieved','missed','archived')", name=op.f('ck_goals_status')),
    sa.ForeignKeyConstraint(['owner_id'], ['members.id'], name=op.f('fk_goals_owner_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_goals_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals'))
    )
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goals_team_id'), ['team_id'], unique=False)

    op.create_table('labs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('announce_days', sa.Integer(), nullable=False),
    sa.Column('rotation_is_team', sa.Boolean(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_labs_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labs')),
    sa.UniqueConstraint('team_id', name=op.f('uq_labs_team_id'))
    )
    op.create_table('nudge_snoozes',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('until', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_nudge_snoozes_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'subject', name=op.f('pk_nudge_snoozes'))
    )
    op.create_table('nudges_sent',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('sent_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_nudges_sent_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'item_key', name=op.f('pk_nudges_sent'))
    )
    op.create_table('pdps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('aspiration', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('aspiration_visibility', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('skill_gaps', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('skill_gaps_visibility', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('review_cadence_months', sa.Integer(), nullable=False),
    sa.Column('last_review_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_review_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_requested_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("aspiration_visibility IN ('private','manager','team')", name=op.f('ck_pdps_aspiration_visibility')),
    sa.CheckConstraint("skill_gaps_visibility IN ('private','manager','team')", name=op.f('ck_pdps_skill_gaps_visibility')),
    sa.ForeignKeyConstraint(['manager_id'], ['members.id'], name=op.f('fk_pdps_manager_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['members.id'], name=op.f('fk_pdps_owner_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pdps')),
    sa.UniqueConstraint('owner_id', name=op.f('uq_pdps_owner_id'))
    )
    with op.batch_alter_table('pdps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pdps_manager_id'), ['manager_id'], unique=False)

    op.create_table('schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('tz', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('next_run_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_run_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_until', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('skipped_runs', sa.Integer(), nullable=False),
    sa.Column('last_skipped_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active','paused','done')", name=op.f('ck_schedules_status')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_schedules_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_schedules_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedules')),
    sa.UniqueConstraint('kind', 'subject_id', name=op.f('uq_schedules_kind_subject_id'))
    )
    with op.batch_alter_table('schedules', schema=None) as batch_op:
        batch_op.create_index('ix_schedules_due', ['status', 'next_run_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_schedules_team_id'), ['team_id'], unique=False)

    op.create_table('team_memberships',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('joined_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('lead','member')", name=op.f('ck_team_memberships_role')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_team_memberships_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_memberships_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'member_id', name=op.f('pk_team_memberships'))
    )
    with op.batch_alter_table('team_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_memberships_member_id'), ['member_id'], unique=False)

    op.create_table('goal_participants',
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_goal_participants_goal_id_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_goal_participants_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('goal_id', 'member_id', name=op.f('pk_goal_participants'))
    )
    op.create_table('lab_seats',
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('presented', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('joined_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_lab_seats_lab_id_labs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_lab_seats_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lab_id', 'member_id', name=op.f('pk_lab_seats'))
    )
    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('done_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['done_by_id'], ['members.id'], name=op.f('fk_milestones_done_by_id_members')),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_milestones_goal_id_goals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_goal_id'), ['goal_id'], unique=False)

    op.create_table('objectives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pdp_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('skill', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('actions', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('visibility', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('done_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_progress_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("visibility IN ('private','manager','team')", name=op.f('ck_objectives_visibility')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_objectives_progress_range')),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_objectives_goal_id_goals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pdp_id'], ['pdps.id'], name=op.f('fk_objectives_pdp_id_pdps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objectives'))
    )
    with op.batch_alter_table('objectives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objectives_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objectives_pdp_id'), ['pdp_id'], unique=False)

    op.create_table('pdp_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pdp_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('what', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['members.id'], name=op.f('fk_pdp_changes_actor_id_members')),
    sa.ForeignKeyConstraint(['pdp_id'], ['pdps.id'], name=op.f('fk_pdp_changes_pdp_id_pdps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pdp_changes'))
    )
    with op.batch_alter_table('pdp_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pdp_changes_pdp_id'), ['pdp_id'], unique=False)

    op.create_table('pdp_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pdp_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pdp_id'], ['pdps.id'], name=op.f('fk_pdp_reviews_pdp_id_pdps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['members.id'], name=op.f('fk_pdp_reviews_reviewer_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pdp_reviews'))
    )
    with op.batch_alter_table('pdp_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pdp_reviews_pdp_id'), ['pdp_id'], unique=False)

    op.create_table('lab_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('presenter_id', sa.Integer(), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('skipped_by', sa.JSON(), nullable=True),
    sa.Column('swap_with_id', sa.Integer(), nullable=True),
    sa.Column('channel_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('done_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled','done','skipped','swapped','cancelled')", name=op.f('ck_lab_sessions_status')),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_lab_sessions_lab_id_labs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_lab_sessions_objective_id_objectives'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['presenter_id'], ['members.id'], name=op.f('fk_lab_sessions_presenter_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['swap_with_id'], ['members.id'], name=op.f('fk_lab_sessions_swap_with_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lab_sessions')),
    sa.UniqueConstraint('lab_id', 'starts_at', name=op.f('uq_lab_sessions_lab_id_starts_at'))
    )
    with op.batch_alter_table('lab_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lab_sessions_lab_id'), ['lab_id'], unique=False)

    op.create_table('progress_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(goal_id IS NULL) <> (objective_id IS NULL)', name=op.f('ck_progress_updates_one_subject')),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_progress_updates_goal_id_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_progress_updates_member_id_members')),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_progress_updates_objective_id_objectives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_updates'))
    )
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_updates_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_updates_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_updates_objective_id'), ['objective_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_updates_objective_id'))
        batch_op.drop_index(batch_op.f('ix_progress_updates_goal_id'))
        batch_op.drop_index(batch_op.f('ix_progress_updates_created_at'))

    op.drop_table('progress_updates')
    with op.batch_alter_table('lab_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lab_sessions_lab_id'))

    op.drop_table('lab_sessions')
    with op.batch_alter_table('pdp_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pdp_reviews_pdp_id'))

    op.drop_table('pdp_reviews')
    with op.batch_alter_table('pdp_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pdp_changes_pdp_id'))

    op.drop_table('pdp_changes')
    with op.batch_alter_table('objectives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objectives_pdp_id'))
        batch_op.drop_index(batch_op.f('ix_objectives_goal_id'))

    op.drop_table('objectives')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_goal_id'))

    op.drop_table('milestones')
    op.drop_table('lab_seats')
    op.drop_table('goal_participants')
    with op.batch_alter_table('team_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_memberships_member_id'))

    op.drop_table('team_memberships')
    with op.batch_alter_table('schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedules_team_id'))
        batch_op.drop_index('ix_schedules_due')

    op.drop_table('schedules')
    with op.batch_alter_table('pdps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pdps_manager_id'))

    op.drop_table('pdps')
    op.drop_table('nudges_sent')
    op.drop_table('nudge_snoozes')
    op.drop_table('labs')
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goals_team_id'))

    op.drop_table('goals')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_workspace_id'))

    op.drop_table('teams')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_workspace_id'))

    op.drop_table('members')
    op.drop_table('workspaces')
