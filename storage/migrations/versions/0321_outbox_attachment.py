"""outbox rows that carry one file for the post's thread (the weekly digest's chart)

Revision ID: 0321
Revises: 0200
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0321'
down_revision: str | Sequence[str] | None = '0200'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('attachment', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('attachment')
