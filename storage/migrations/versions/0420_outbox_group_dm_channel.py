"""outbox rows addressed to a group DM by its people ("U1,U2,…"), opened when sent

Revision ID: 0420
Revises: 0400
"""

from collections.abc import Sequence

import sqlmodel
from alembic import op

revision: str = '0420'
down_revision: str | Sequence[str] | None = '0400'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.alter_column('channel', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=255),
                           existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.alter_column('channel', existing_type=sqlmodel.sql.sqltypes.AutoString(length=255),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=32),
                           existing_nullable=False)
