"""buyer sessions: shared computers and host links

Revision ID: 20261204_0003
Revises: 20261129_0002
Create Date: 2026-12-04 18:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "20261204_0003"
down_revision = "20261129_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
