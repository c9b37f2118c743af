"""one schema again: outbox attachments and goal threads

Revision ID: 0400
Revises: 0321, 0341
"""

from collections.abc import Sequence

revision: str = '0400'
down_revision: str | Sequence[str] | None = ('0321', '0341')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
