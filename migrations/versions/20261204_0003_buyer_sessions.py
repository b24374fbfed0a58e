"""buyer sessions: shared computers and host links

Revision ID: 20261204_0003
Revises: 20261129_0002
Create Date: 2026-12-04 18:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "20261204_0003"
down_revision = "20261129_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visitor") as batch:
        batch.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visitor") as batch:
        batch.drop_column("ended_at")
