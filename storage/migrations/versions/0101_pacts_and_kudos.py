"""pacts and kudos: teammates supporting each other, their check-ins, and thanks

Revision ID: 0101
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0101'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('kudos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('private', sa.Boolean(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('message_link', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['giver_id'], ['members.id'], name=op.f('fk_kudos_giver_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_kudos_goal_id_goals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_kudos_objective_id_objectives'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['receiver_id'], ['members.id'], name=op.f('fk_kudos_receiver_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_kudos_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kudos'))
    )
    with op.batch_alter_table('kudos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kudos_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kudos_giver_id'), ['giver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kudos_receiver_id'), ['receiver_id'], unique=False)

    op.create_table('pacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('supporter_id', sa.Integer(), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('offer_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('offer_text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('cadence', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('ended_reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('owner_checkin_on', sa.Date(), nullable=True),
    sa.Column('supporter_checkin_on', sa.Date(), nullable=True),
    sa.CheckConstraint("cadence IN ('none','weekly','biweekly','monthly')", name=op.f('ck_pacts_cadence')),
    sa.CheckConstraint("origin IN ('offer','ask','pledge')", name=op.f('ck_pacts_origin')),
    sa.CheckConstraint("status IN ('proposed','active','declined','ended')", name=op.f('ck_pacts_status')),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_pacts_goal_id_goals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_pacts_objective_id_objectives'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['members.id'], name=op.f('fk_pacts_owner_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supporter_id'], ['members.id'], name=op.f('fk_pacts_supporter_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_pacts_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pacts'))
    )
    with op.batch_alter_table('pacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pacts_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pacts_objective_id'), ['objective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pacts_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pacts_supporter_id'), ['supporter_id'], unique=False)

    op.create_table('pact_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pact_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_pact_checkins_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pact_id'], ['pacts.id'], name=op.f('fk_pact_checkins_pact_id_pacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pact_checkins'))
    )
    with op.batch_alter_table('pact_checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pact_checkins_pact_id'), ['pact_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pact_checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pact_checkins_pact_id'))

    op.drop_table('pact_checkins')
    with op.batch_alter_table('pacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pacts_supporter_id'))
        batch_op.drop_index(batch_op.f('ix_pacts_owner_id'))
        batch_op.drop_index(batch_op.f('ix_pacts_objective_id'))
        batch_op.drop_index(batch_op.f('ix_pacts_goal_id'))

    op.drop_table('pacts')
    with op.batch_alter_table('kudos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kudos_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_kudos_giver_id'))
        batch_op.drop_index(batch_op.f('ix_kudos_created_at'))

    op.drop_table('kudos')
