"""catalogue operations: drafts and published issues, stock movements

Revision ID: 20261204_0009
Revises: 20261204_0008
Create Date: 2026-12-04 18:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "20261204_0009"
down_revision = "20261204_0008"
branch_labels = None
depends_on = None

REASONS = ("received", "damaged", "correction", "returned", "withdrawn")


def upgrade() -> None:
    with op.batch_alter_table("issue") as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    # Everything on sale before drafts existed stays on sale.
    op.execute("UPDATE issue SET published_at = created_at")
    with op.batch_alter_table("product") as batch_op:
        batch_op.create_unique_constraint("uq_product_id_post_id", ["id", "post_id"])
    op.create_table(
        "stock_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("stock_after", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Enum(*REASONS, name="stockreason", native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("delta <> 0", name=op.f("ck_stock_movement_delta_not_zero")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_stock_movement_post_id_post")
        ),
        sa.ForeignKeyConstraint(
            ["product_id", "post_id"], ["product.id", "product.post_id"],
            name=op.f("fk_stock_movement_product_id_product"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_member.id"],
            name=op.f("fk_stock_movement_staff_id_staff_member"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movement")),
    )
    with op.batch_alter_table("stock_movement") as batch_op:
        batch_op.create_index("ix_stock_movement_product_at", ["product_id", "at"])
        batch_op.create_index(batch_op.f("ix_stock_movement_post_id"), ["post_id"])
        batch_op.create_index(batch_op.f("ix_stock_movement_staff_id"), ["staff_id"])


def downgrade() -> None:
    with op.batch_alter_table("stock_movement") as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_movement_staff_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movement_post_id"))
        batch_op.drop_index("ix_stock_movement_product_at")
    op.drop_table("stock_movement")
    with op.batch_alter_table("product") as batch_op:
        batch_op.drop_constraint("uq_product_id_post_id", type_="unique")
    with op.batch_alter_table("issue") as batch_op:
        batch_op.drop_column("published_at")
