"""A collector's want list: products they wait for, and the mail when one is back."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from mall.accounts.models import Buyer
from mall.alerts.models import WantedProduct
from mall.alerts.services import in_language
from mall.catalogue.models import Issue, Product
from mall.columns import utcnow
from mall.i18n import lazy_translate as _l
from mall.mail import send_templated_mail
from mall.posts.models import Post, PostStatus


def sellable_product(session: Session, product_id: int) -> Product | None:
    """A product of a published issue of a live post, with its issue and post loaded."""
    return session.scalar(
        select(Product).join(Issue, Issue.id == Product.issue_id)
        .join(Post, Post.id == Issue.post_id)
        .where(Product.id == product_id, Issue.published_at.is_not(None),
               Post.status == PostStatus.LIVE)
        .options(joinedload(Product.issue).joinedload(Issue.post)))


def want(session: Session, buyer: Buyer, product: Product) -> None:
    """Put `product` on the want list, or wait for it again if told once already."""
    found = session.scalar(select(WantedProduct).where(
        WantedProduct.buyer_id == buyer.id, WantedProduct.product_id == product.id))
    if found is None:
        session.add(WantedProduct(buyer_id=buyer.id, product_id=product.id))
    else:
        found.notified_at = None
    session.flush()


def wants_of(session: Session, buyer: Buyer) -> list[WantedProduct]:
    """The want list, newest first, with each product, issue and post (one query)."""
    return list(session.scalars(
        select(WantedProduct).where(WantedProduct.buyer_id == buyer.id)
        .options(joinedload(WantedProduct.product).joinedload(Product.issue)
                 .joinedload(Issue.post))
        .order_by(WantedProduct.id.desc())))


def own_want(session: Session, buyer: Buyer, want_id: int) -> WantedProduct | None:
    return session.scalar(select(WantedProduct).where(WantedProduct.id == want_id,
                                                      WantedProduct.buyer_id == buyer.id))


def anyone_waiting(session: Session, product_ids: set[int]) -> list[int]:
    """Those of `product_ids` that a collector still waits for, in order."""
    if not product_ids:
        return []
    return sorted(set(session.scalars(
        select(WantedProduct.product_id)
        .where(WantedProduct.product_id.in_(product_ids), WantedProduct.notified_at.is_(None)))))


def tell_waiting(session: Session, product_ids: list[int]) -> None:
    """Mail each collector waiting for one of these products that is in stock and on sale
    now. Each entry is claimed with a conditional update before its mail is written, so two
    announcements of the same stock mail once."""
    waiting = session.scalars(
        select(WantedProduct)
        .join(Product, Product.id == WantedProduct.product_id)
        .join(Issue, Issue.id == Product.issue_id)
        .join(Post, Post.id == Issue.post_id)
        .where(WantedProduct.product_id.in_(product_ids), WantedProduct.notified_at.is_(None),
               Product.stock > 0, Issue.published_at.is_not(None),
               Post.status == PostStatus.LIVE)
        .options(joinedload(WantedProduct.product).joinedload(Product.issue)
                 .joinedload(Issue.post))
        .order_by(WantedProduct.id)
    ).all()
    now = utcnow()
    for entry in waiting:
        claimed = session.execute(
            update(WantedProduct)
            .where(WantedProduct.id == entry.id, WantedProduct.notified_at.is_(None))
            .values(notified_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        buyer = session.get_one(Buyer, entry.buyer_id)
        product = entry.product
        issue = product.issue
        send_templated_mail(
            buyer.email, "want_back",
            _l("Back in stock: %(title)s", title=in_language(issue.title, buyer)),
            buyer.preferred_locale, buyer=buyer, product=product, issue=issue,
            url=url_for("storefront.issue", cc=issue.post.code, slug=issue.slug,
                        _external=True),
            manage_url=url_for("alerts.index", _external=True),
        )
    session.flush()
