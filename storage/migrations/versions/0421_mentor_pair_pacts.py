"""a mentor pair remembers the pact it turned into

Revision ID: 0421
Revises: 0420
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0421'
down_revision: str | Sequence[str] | None = '0420'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('mentor_pairs') as batch:
        batch.add_column(sa.Column('pact_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_mentor_pairs_pact_id_pacts', 'pacts', ['pact_id'], ['id'],
                                 ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('mentor_pairs') as batch:
        batch.drop_constraint('fk_mentor_pairs_pact_id_pacts', type_='foreignkey')
        batch.drop_column('pact_id')
