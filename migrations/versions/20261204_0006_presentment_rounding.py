"""presentment rounding for card payments

Revision ID: 20261204_0006
Revises: 20261204_0005
Create Date: 2026-12-04 18:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "20261204_0006"
down_revision = "20261204_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
