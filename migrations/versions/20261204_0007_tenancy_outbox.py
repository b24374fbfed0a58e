"""tenancy (post host names, composite keys) and the outbox

Revision ID: 20261204_0007
Revises: 20261204_0006
Create Date: 2026-12-04 18:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "20261204_0007"
down_revision = "20261204_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _upgrade_tenancy()
    op.create_table(
        "outbox_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("pending", "done", "failed", name="taskstate", native_enum=False,
                    create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_task")),
    )
    with op.batch_alter_table("outbox_task", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_task_state_next", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox_task")
    _downgrade_tenancy()


def _upgrade_tenancy() -> None:
    with op.batch_alter_table("contact_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "post_host",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=253), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_post_host_post_id_post"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_host")),
        sa.UniqueConstraint("name", name=op.f("uq_post_host_name")),
    )
    with op.batch_alter_table("post_host", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_host_post_id"), ["post_id"], unique=False)
    # Every existing post answers on stamps.<cc> (relative to MALL_DOMAIN).
    op.execute(
        "INSERT INTO post_host (post_id, name, created_at)"
        " SELECT id, 'stamps.' || code, CURRENT_TIMESTAMP FROM post"
    )

    # Parents: (id, post_id) unique, the target of the composite keys below.
    for table in ("issue", "collection", "post_order"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(f"uq_{table}_id_post_id", ["id", "post_id"])

    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_constraint("fk_product_issue_id_issue", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_product_issue_id_issue", "issue", ["issue_id", "post_id"], ["id", "post_id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint("fk_order_line_post_order_id_post_order", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_order_line_post_order_id_post_order", "post_order",
            ["post_order_id", "post_id"], ["id", "post_id"], ondelete="CASCADE",
        )

    with op.batch_alter_table("collection_issue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE collection_issue SET post_id ="
        " (SELECT post_id FROM collection WHERE collection.id = collection_issue.collection_id)"
    )
    with op.batch_alter_table("collection_issue", schema=None) as batch_op:
        batch_op.alter_column("post_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("fk_collection_issue_collection_id_collection", type_="foreignkey")
        batch_op.drop_constraint("fk_collection_issue_issue_id_issue", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_collection_issue_collection_id_collection", "collection",
            ["collection_id", "post_id"], ["id", "post_id"], ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            "fk_collection_issue_issue_id_issue", "issue",
            ["issue_id", "post_id"], ["id", "post_id"], ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_collection_issue_post_id"), ["post_id"])


def _downgrade_tenancy() -> None:
    with op.batch_alter_table("collection_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_issue_post_id"))
        batch_op.drop_constraint("fk_collection_issue_issue_id_issue", type_="foreignkey")
        batch_op.drop_constraint("fk_collection_issue_collection_id_collection", type_="foreignkey")
        batch_op.drop_column("post_id")
        batch_op.create_foreign_key(
            "fk_collection_issue_collection_id_collection", "collection",
            ["collection_id"], ["id"], ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            "fk_collection_issue_issue_id_issue", "issue", ["issue_id"], ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint("fk_order_line_post_order_id_post_order", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_order_line_post_order_id_post_order", "post_order", ["post_order_id"], ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_constraint("fk_product_issue_id_issue", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_product_issue_id_issue", "issue", ["issue_id"], ["id"], ondelete="CASCADE"
        )
    for table in ("post_order", "collection", "issue"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_id_post_id", type_="unique")
    op.drop_table("post_host")
    with op.batch_alter_table("contact_message", schema=None) as batch_op:
        batch_op.drop_column("read_at")
