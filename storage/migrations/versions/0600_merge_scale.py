"""one schema again: outbox rows naming their team, workspaces knowing their organisation

Revision ID: 0600
Revises: 0520, 0550
"""

from collections.abc import Sequence

revision: str = '0600'
down_revision: str | Sequence[str] | None = ('0520', '0550')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
