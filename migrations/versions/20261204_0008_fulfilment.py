"""fulfilment: packed and delivered post orders, shipments, S10 tracking ranges

Revision ID: 20261204_0008
Revises: 20261204_0007
Create Date: 2026-12-04 18:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "20261204_0008"
down_revision = "20261204_0007"
branch_labels = None
depends_on = None

OLD_STATUSES = ("awaiting_payment", "to_ship", "shipped", "cancelled")
NEW_STATUSES = ("awaiting_payment", "to_ship", "packed", "shipped", "delivered", "cancelled")
STATUS_CHECK = "ck_post_order_postorderstatus"
KINDS = ("letter", "registered_letter", "parcel", "ems")


def _status_check(statuses: tuple[str, ...]) -> None:
    """The enum's CHECK, rewritten: on SQLite by rebuilding the table, on PostgreSQL in place."""
    allowed = ", ".join(f"'{value}'" for value in statuses)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("post_order", recreate="always") as batch_op:
            batch_op.drop_constraint(op.f(STATUS_CHECK), type_="check")
            batch_op.create_check_constraint("postorderstatus", f"status IN ({allowed})")
        return
    op.drop_constraint(op.f(STATUS_CHECK), "post_order", type_="check")
    op.create_check_constraint("postorderstatus", "post_order", f"status IN ({allowed})")


def upgrade() -> None:
    _status_check(NEW_STATUSES)
    op.create_table(
        "shipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_order_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="shippingkind", native_enum=False,
                                  create_constraint=True, length=32), nullable=False),
        sa.Column("tracking_number", sa.String(length=13), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shipped_by_id", sa.Integer(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_shipment_post_id_post")),
        sa.ForeignKeyConstraint(
            ["post_order_id", "post_id"], ["post_order.id", "post_order.post_id"],
            name=op.f("fk_shipment_post_order_id_post_order"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shipped_by_id"], ["staff_member.id"],
            name=op.f("fk_shipment_shipped_by_id_staff_member"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment")),
        sa.UniqueConstraint("post_order_id", name=op.f("uq_shipment_post_order_id")),
        sa.UniqueConstraint("tracking_number", name=op.f("uq_shipment_tracking_number")),
    )
    with op.batch_alter_table("shipment") as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_post_id"), ["post_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shipment_shipped_by_id"), ["shipped_by_id"], unique=False
        )
    op.create_table(
        "tracking_range",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=2), nullable=False),
        sa.Column("next_serial", sa.Integer(), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "next_serial >= 0 AND last_serial <= 99999999",
            name=op.f("ck_tracking_range_serial_bounds"),
        ),
        sa.CheckConstraint("length(service) = 2", name=op.f("ck_tracking_range_service_length")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_tracking_range_post_id_post")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_range")),
        sa.UniqueConstraint("post_id", "service", name=op.f("uq_tracking_range_post_id")),
    )


def downgrade() -> None:
    op.drop_table("tracking_range")
    with op.batch_alter_table("shipment") as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_shipped_by_id"))
        batch_op.drop_index(batch_op.f("ix_shipment_post_id"))
    op.drop_table("shipment")
    op.execute("UPDATE post_order SET status = 'to_ship' WHERE status = 'packed'")
    op.execute("UPDATE post_order SET status = 'shipped' WHERE status = 'delivered'")
    _status_check(OLD_STATUSES)
