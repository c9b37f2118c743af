"""one schema again: group DMs and mentor pacts, absence settings

Revision ID: 0500
Revises: 0421, 0430
"""

from collections.abc import Sequence

revision: str = '0500'
down_revision: str | Sequence[str] | None = ('0421', '0430')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
