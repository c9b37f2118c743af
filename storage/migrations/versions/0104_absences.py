"""absences: someone's own "away until", what their Slack status last said; team holidays

Revision ID: 0104
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0104'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'absences',
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('set_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('status_away', sa.Boolean(), nullable=False),
        sa.Column('status_label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('status_until', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('status_checked_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'],
                                name=op.f('fk_absences_member_id_members'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'],
                                name=op.f('fk_absences_workspace_id_workspaces'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('member_id', name=op.f('pk_absences')))
    op.create_index(op.f('ix_absences_workspace_id'), 'absences', ['workspace_id'])
    op.create_table(
        'team_holidays',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('subdivision', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('own_days', sa.JSON(), nullable=False),
        sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column('moved', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.CheckConstraint("mode IN ('move','skip')", name=op.f('ck_team_holidays_mode')),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                                name=op.f('fk_team_holidays_team_id_teams'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('team_id', name=op.f('pk_team_holidays')))


def downgrade() -> None:
    op.drop_table('team_holidays')
    op.drop_index(op.f('ix_absences_workspace_id'), table_name='absences')
    op.drop_table('absences')
