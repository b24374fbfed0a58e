"""search in every language: stems, typos, titles in each language (placeholder until filled)

Revision ID: 20261205_0015
Revises: 20261204_0014
Create Date: 2026-12-05 00:30:00.000000
"""

revision = "20261205_0015"
down_revision = "20261204_0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
