"""A post's path to selling: only a verified post, with its storefront name registered, a
manager to run its shop, and prices buyers can read in their own currency, opens its
storefront (the .POST registration step); the operator may close it for a while and open
it again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.i18n import lazy_translate as _l
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import Post, PostHost, PostStatus, storefront_host_name
from mall.rates.conversion import RateTable


class CannotGoLive(Exception):
    """The post may not open its storefront yet; `reason` says why, for the operator."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def go_live(session: Session, post: Post, rates: RateTable) -> None:
    """Open (or reopen, after a suspension) the post's storefront; raises `CannotGoLive`
    with what is missing. A currency without an exchange rate would leave buyers elsewhere
    unable to see or pay its prices, and a shop without a manager would sell with nobody to
    ship."""
    if post.status is PostStatus.LIVE:
        return
    if post.status not in (PostStatus.VERIFIED, PostStatus.SUSPENDED) or not post.community_id:
        raise CannotGoLive(str(_l("The post has not been verified by the operator.")))
    name = storefront_host_name(post.code)
    if session.scalar(select(PostHost.id).where(PostHost.post_id == post.id,
                                                PostHost.name == name)) is None:
        raise CannotGoLive(str(_l("The storefront name %(name)s is not registered for this "
                                  "post.", name=name)))
    if not rates.has(post.currency):
        raise CannotGoLive(
            str(_l("There is no exchange rate for %(currency)s yet: enter one first.",
                   currency=post.currency))
        )
    manager = session.scalar(select(StaffMember.id).where(
        StaffMember.post_id == post.id, StaffMember.role == StaffRole.POST_MANAGER,
        StaffMember.active.is_(True)))
    if manager is None:
        raise CannotGoLive(str(_l("The post has no manager yet: invite one, who must accept "
                                  "the invitation.")))
    post.status = PostStatus.LIVE
    session.flush()


def suspend(session: Session, post: Post) -> bool:
    """Close a live post's storefront: its page says it is closed, its issues leave search
    and carts, and nothing is lost — its back office keeps shipping and its money keeps
    settling. False if it was not live."""
    if post.status is not PostStatus.LIVE:
        return False
    post.status = PostStatus.SUSPENDED
    session.flush()
    return True
