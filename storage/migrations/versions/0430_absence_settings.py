"""absences: a team's own list of status words and emoji meaning absence; a person's own
country (and subdivision) for their public holidays

Revision ID: 0430
Revises: 0400
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0430'
down_revision: str | Sequence[str] | None = '0400'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('team_holidays') as batch:
        batch.add_column(sa.Column('status_words', sa.JSON(), nullable=True))
    with op.batch_alter_table('absences') as batch:
        batch.add_column(sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=8),
                                   nullable=False, server_default=''))
        batch.add_column(sa.Column('subdivision', sqlmodel.sql.sqltypes.AutoString(length=16),
                                   nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('absences') as batch:
        batch.drop_column('subdivision')
        batch.drop_column('country')
    with op.batch_alter_table('team_holidays') as batch:
        batch.drop_column('status_words')
