"""What the back office's dashboard counts, for one post (a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from mall.catalogue.models import Product
from mall.content.models import ContactMessage
from mall.operator.models import StaffMember, StaffRole
from mall.orders.models import Order, PostOrder, PostOrderStatus
from mall.posts.models import Post


@dataclass(frozen=True)
class Dashboard:
    #: Paid post orders waiting to be packed and shipped.
    to_ship: int
    #: Contact-form messages nobody has opened yet.
    unread_messages: int
    #: Products on sale with this many or fewer left (sold-out ones included).
    low_stock: int
    low_stock_threshold: int


def dashboard(session: Session, post: Post, low_stock_threshold: int) -> Dashboard:
    def count(query: object) -> int:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]

    return Dashboard(
        to_ship=count(
            select(func.count()).select_from(PostOrder)
            .where(PostOrder.post_id == post.id, PostOrder.status == PostOrderStatus.TO_SHIP)
        ),
        unread_messages=count(
            select(func.count()).select_from(ContactMessage)
            .where(ContactMessage.post_id == post.id, ContactMessage.read_at.is_(None))
        ),
        low_stock=count(
            select(func.count()).select_from(Product)
            .where(Product.post_id == post.id, Product.stock <= low_stock_threshold)
        ),
        low_stock_threshold=low_stock_threshold,
    )


def post_staff(session: Session, post: Post) -> list[StaffMember]:
    """The post's staff accounts, managers first, then by name."""
    return list(
        session.scalars(
            select(StaffMember)
            .where(StaffMember.post_id == post.id)
            .order_by(
                case((StaffMember.role == StaffRole.POST_MANAGER, 0), else_=1),
                StaffMember.name,
                StaffMember.id,
            )
        )
    )


def post_orders_query(post: Post, status: PostOrderStatus | None) -> Select[tuple[PostOrder]]:
    """The post's orders (paid ones by default), oldest first so that the longest waiting is
    shipped first; lines, buyer order and shipment come with them (constant queries)."""
    query = (
        select(PostOrder)
        .join(PostOrder.order)
        .where(PostOrder.post_id == post.id)
        .options(
            contains_eager(PostOrder.order),
            selectinload(PostOrder.lines),
            selectinload(PostOrder.shipment),
        )
    )
    if status is not None:
        query = query.where(PostOrder.status == status)
    else:
        query = query.where(PostOrder.status != PostOrderStatus.AWAITING_PAYMENT)
    return query.order_by(Order.created_at, PostOrder.id)


def status_counts(session: Session, post: Post) -> dict[PostOrderStatus, int]:
    rows = session.execute(
        select(PostOrder.status, func.count())
        .where(PostOrder.post_id == post.id)
        .group_by(PostOrder.status)
    ).all()
    return dict(rows)
