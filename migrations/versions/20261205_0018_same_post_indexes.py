"""an index for every reference kept within one post: (column, post_id), as the composite
foreign key it serves. Without it SQLite joined through the `post_id` index alone and read
every product of a post to show one issue's.

Revision ID: 20261205_0018
Revises: 20261205_0017
Create Date: 2026-12-05 11:05:00.000000
"""

from alembic import op

revision = "20261205_0018"
down_revision = "20261205_0017"
branch_labels = None
depends_on = None

REFERENCES = [
    ("collection_issue", "collection_id"),
    ("collection_issue", "issue_id"),
    ("product", "issue_id"),
    ("stock_movement", "product_id"),
    ("shipping_rate", "method_id"),
    ("order_line", "post_order_id"),
    ("refund", "post_order_id"),
    ("shipment", "post_order_id"),
]


def upgrade() -> None:
    for table, column in REFERENCES:
        op.create_index(f"ix_{table}_{column}_post_id", table, [column, "post_id"])


def downgrade() -> None:
    for table, column in reversed(REFERENCES):
        op.drop_index(f"ix_{table}_{column}_post_id", table_name=table)
