"""search in every language: the spelling table behind "did you mean"

`search_spelling` holds every indexed word under itself and each of its one-letter
deletions (mall/catalogue/words.py). The stems that let "butterfly" find "Butterflies" live
in the indexed text itself; a database indexed before this revision finds them once
`flask mall catalogue reindex` has written every issue's text again.

Revision ID: 20261205_0015
Revises: 20261204_0014
Create Date: 2026-12-05 05:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "20261205_0015"
down_revision = "20261204_0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_spelling",
        sa.Column("variant", sa.String(length=30), nullable=False),
        sa.Column("word", sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint("variant", "word", name=op.f("pk_search_spelling")),
    )


def downgrade() -> None:
    op.drop_table("search_spelling")
