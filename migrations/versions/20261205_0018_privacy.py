"""privacy: export and erasure (placeholder until filled)

Revision ID: 20261205_0018
Revises: 20261205_0017
Create Date: 2026-12-05 00:30:00.000000
"""

revision = "20261205_0018"
down_revision = "20261205_0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
