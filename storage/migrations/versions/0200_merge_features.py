"""one schema again: pacts and kudos, mentoring, impact, absences and installations

Revision ID: 0200
Revises: 0101, 0102, 0103, 0104, 0105
"""

from collections.abc import Sequence

revision: str = '0200'
down_revision: str | Sequence[str] | None = ('0101', '0102', '0103', '0104', '0105')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
