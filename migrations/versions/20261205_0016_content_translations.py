"""content in the reader's language (placeholder until filled)

Revision ID: 20261205_0016
Revises: 20261205_0015
Create Date: 2026-12-05 00:30:00.000000
"""

revision = "20261205_0016"
down_revision = "20261205_0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
