"""contact inbox: the staff's replies to visitors' messages

Revision ID: 20261204_0010
Revises: 20261204_0009
Create Date: 2026-12-04 19:05:00
"""

from alembic import op
import sqlalchemy as sa

revision = "20261204_0010"
down_revision = "20261204_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["contact_message.id"],
            name=op.f("fk_contact_reply_message_id_contact_message"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_member.id"],
            name=op.f("fk_contact_reply_staff_id_staff_member"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_reply")),
    )
    with op.batch_alter_table("contact_reply") as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_reply_message_id"), ["message_id"])
        batch_op.create_index(batch_op.f("ix_contact_reply_staff_id"), ["staff_id"])


def downgrade() -> None:
    with op.batch_alter_table("contact_reply") as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_reply_staff_id"))
        batch_op.drop_index(batch_op.f("ix_contact_reply_message_id"))
    op.drop_table("contact_reply")
