"""workspaces: the Enterprise Grid organisation a workspace belongs to, so that an org-wide
install serves (and its uninstall stops) every workspace of the organisation

Revision ID: 0550
Revises: 0500
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0550'
down_revision: str | Sequence[str] | None = '0500'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workspace_installs') as batch:
        batch.add_column(sa.Column('enterprise_id', sqlmodel.sql.sqltypes.AutoString(length=32),
                                   nullable=True))
        batch.create_index(batch.f('ix_workspace_installs_enterprise_id'), ['enterprise_id'],
                           unique=False)


def downgrade() -> None:
    with op.batch_alter_table('workspace_installs') as batch:
        batch.drop_index(batch.f('ix_workspace_installs_enterprise_id'))
        batch.drop_column('enterprise_id')
