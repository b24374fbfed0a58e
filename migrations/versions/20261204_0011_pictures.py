"""pictures: an issue's uploaded image, a post's logo

Revision ID: 20261204_0011
Revises: 20261204_0010
Create Date: 2026-12-04 19:20:00
"""

from alembic import op
import sqlalchemy as sa

revision = "20261204_0011"
down_revision = "20261204_0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issue") as batch_op:
        batch_op.add_column(sa.Column("image_key", sa.String(length=32), nullable=True))
    with op.batch_alter_table("post") as batch_op:
        batch_op.add_column(sa.Column("logo_key", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_column("logo_key")
    with op.batch_alter_table("issue") as batch_op:
        batch_op.drop_column("image_key")
