"""standing orders: a collector's standing orders, what each did for each issue (one row
per standing order and issue: the key that makes an order placed once), and their stored card

Revision ID: 20261205_0017
Revises: 20261205_0016
Create Date: 2026-12-05 05:42:09.751679
"""

import sqlalchemy as sa
from alembic import op

revision = "20261205_0017"
down_revision = "20261205_0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("payment_method_id", sa.String(length=255), nullable=False),
        sa.Column("brand", sa.String(length=20), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("exp_month", sa.Integer(), nullable=False),
        sa.Column("exp_year", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyer.id"],
            name=op.f("fk_stored_card_buyer_id_buyer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_card")),
        sa.UniqueConstraint("buyer_id", name=op.f("uq_stored_card_buyer_id")),
    )
    op.create_table(
        "standing_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column(
            "condition",
            sa.Enum(
                "mint",
                "used",
                "cto",
                name="condition",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("max_per_issue_minor", sa.Integer(), nullable=True),
        sa.Column("max_per_month_minor", sa.Integer(), nullable=True),
        sa.Column(
            "payment_method",
            sa.Enum(
                "card",
                "bank_transfer",
                "counter",
                name="paymentmethod",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("address_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "paused",
                "cancelled",
                name="standingstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("creation_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "(post_id IS NULL) <> (theme_id IS NULL)", name=op.f("ck_standing_order_one_scope")
        ),
        sa.CheckConstraint(
            "max_per_issue_minor IS NOT NULL OR max_per_month_minor IS NOT NULL",
            name=op.f("ck_standing_order_has_budget"),
        ),
        sa.CheckConstraint(
            "quantity BETWEEN 1 AND 20", name=op.f("ck_standing_order_quantity_range")
        ),
        sa.ForeignKeyConstraint(
            ["address_id"],
            ["address.id"],
            name=op.f("fk_standing_order_address_id_address"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyer.id"],
            name=op.f("fk_standing_order_buyer_id_buyer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_standing_order_post_id_post")
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["theme.id"],
            name=op.f("fk_standing_order_theme_id_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_order")),
        sa.UniqueConstraint("creation_key", name=op.f("uq_standing_order_creation_key")),
    )
    with op.batch_alter_table("standing_order", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standing_order_address_id"), ["address_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_standing_order_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_standing_order_post_id"), ["post_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_standing_order_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "standing_placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("standing_order_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "placed",
                "nothing_matching",
                "sold_out",
                "over_budget",
                "no_delivery",
                "no_card",
                name="placementoutcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_standing_placement_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["buyer_order.id"],
            name=op.f("fk_standing_placement_order_id_buyer_order"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["standing_order_id"],
            ["standing_order.id"],
            name=op.f("fk_standing_placement_standing_order_id_standing_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_placement")),
        sa.UniqueConstraint(
            "standing_order_id", "issue_id", name=op.f("uq_standing_placement_standing_order_id")
        ),
    )
    with op.batch_alter_table("standing_placement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standing_placement_issue_id"), ["issue_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_standing_placement_order_id"), ["order_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("standing_placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standing_placement_order_id"))
        batch_op.drop_index(batch_op.f("ix_standing_placement_issue_id"))

    op.drop_table("standing_placement")
    with op.batch_alter_table("standing_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standing_order_theme_id"))
        batch_op.drop_index(batch_op.f("ix_standing_order_post_id"))
        batch_op.drop_index(batch_op.f("ix_standing_order_buyer_id"))
        batch_op.drop_index(batch_op.f("ix_standing_order_address_id"))

    op.drop_table("standing_order")
    op.drop_table("stored_card")
