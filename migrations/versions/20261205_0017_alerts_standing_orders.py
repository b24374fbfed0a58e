"""alerts, standing orders and want lists (placeholder until filled)

Revision ID: 20261205_0017
Revises: 20261205_0016
Create Date: 2026-12-05 00:30:00.000000
"""

revision = "20261205_0017"
down_revision = "20261205_0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
