"""outbox rows name the team a team post is for, so its latest check-in is found by index

Revision ID: 0520
Revises: 0500
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0520'
down_revision: str | Sequence[str] | None = '0500'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX = "checkin:team:"


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch.create_index('ix_outbox_team_posts', ['team_id', 'id'], unique=False)
    outbox = sa.table('outbox', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                      sa.column('idempotency_key', sa.String),
                      sa.column('team_id', sa.Integer))
    bind = op.get_bind()
    rows = bind.execute(sa.select(outbox.c.id, outbox.c.idempotency_key)
                        .where(outbox.c.kind == 'checkin')).all()
    teams = [{"b_id": mid, "b_team": int(key[len(PREFIX):].split(":")[0])}
             for mid, key in rows
             if key.startswith(PREFIX) and key[len(PREFIX):].split(":")[0].isdigit()]
    if teams:
        bind.execute(sa.update(outbox).where(outbox.c.id == sa.bindparam('b_id'))
                     .values(team_id=sa.bindparam('b_team')), teams)


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_index('ix_outbox_team_posts')
        batch.drop_column('team_id')
