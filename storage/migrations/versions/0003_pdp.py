"""development plans: pending review requests

Revision ID: 0003
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pdps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_requested_at',
                                      storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pdps', schema=None) as batch_op:
        batch_op.drop_column('review_requested_at')
