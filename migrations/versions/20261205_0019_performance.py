"""performance: indexes or columns for cheap pages (placeholder until filled)

Revision ID: 20261205_0019
Revises: 20261205_0018
Create Date: 2026-12-05 00:30:00.000000
"""

revision = "20261205_0019"
down_revision = "20261205_0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
