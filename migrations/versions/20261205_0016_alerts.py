"""alerts: a collector's follows (a post, a theme or a collection), the alerts sent, and
the want list (products awaited until they are back in stock)

Revision ID: 20261205_0016
Revises: 20261205_0015
Create Date: 2026-12-05 06:00:44.538939
"""

import sqlalchemy as sa
from alembic import op

revision = '20261205_0016'
down_revision = '20261205_0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('follow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('post', 'theme', 'collection', name='followkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Enum('immediately', 'daily', name='frequency', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyer.id'], name=op.f('fk_follow_buyer_id_buyer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow')),
    sa.UniqueConstraint('buyer_id', 'kind', 'target_id', name=op.f('uq_follow_buyer_id'))
    )
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_buyer_id'), ['buyer_id'], unique=False)

    op.create_table('alert_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyer.id'], name=op.f('fk_alert_delivery_buyer_id_buyer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issue_id'], ['issue.id'], name=op.f('fk_alert_delivery_issue_id_issue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_delivery')),
    sa.UniqueConstraint('buyer_id', 'issue_id', name=op.f('uq_alert_delivery_buyer_id'))
    )
    with op.batch_alter_table('alert_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_delivery_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_delivery_sent_at'), ['sent_at'], unique=False)

    op.create_table('wanted_product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyer.id'], name=op.f('fk_wanted_product_buyer_id_buyer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_wanted_product_product_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wanted_product')),
    sa.UniqueConstraint('buyer_id', 'product_id', name=op.f('uq_wanted_product_buyer_id'))
    )
    with op.batch_alter_table('wanted_product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wanted_product_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_wanted_product_product_id'), ['product_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('wanted_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wanted_product_product_id'))
        batch_op.drop_index(batch_op.f('ix_wanted_product_buyer_id'))

    op.drop_table('wanted_product')
    with op.batch_alter_table('alert_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_delivery_sent_at'))
        batch_op.drop_index(batch_op.f('ix_alert_delivery_issue_id'))

    op.drop_table('alert_delivery')
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_buyer_id'))

    op.drop_table('follow')
