"""a goal's one thread: where its conversation lives (its post, or the check-in it began in)

Revision ID: 0341
Revises: 0200
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0341'
down_revision: str | Sequence[str] | None = '0200'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('goals') as batch:
        batch.add_column(sa.Column('thread_ts', sqlmodel.sql.sqltypes.AutoString(length=32),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('goals') as batch:
        batch.drop_column('thread_ts')
