"""the rhythm: schedules, nudges, learning labs

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-21 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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


def downgrade() -> None:
    with op.batch_alter_table('lab_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lab_sessions_lab_id'))

    op.drop_table('lab_sessions')
    op.drop_table('lab_seats')
    with op.batch_alter_table('schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedules_team_id'))
        batch_op.drop_index('ix_schedules_due')

    op.drop_table('schedules')
    op.drop_table('nudges_sent')
    op.drop_table('nudge_snoozes')
    op.drop_table('labs')
