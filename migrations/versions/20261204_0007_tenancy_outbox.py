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
