"""presentment rounding for card payments

Revision ID: 20261204_0006
Revises: 20261204_0003
Create Date: 2026-12-04 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20261204_0006"
down_revision = "20261204_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Orders placed before this revision were never rounded: 0 is their exact history.
    with op.batch_alter_table("buyer_order") as batch:
        batch.add_column(
            sa.Column("rounding_minor", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("buyer_order") as batch:
        batch.drop_column("rounding_minor")
