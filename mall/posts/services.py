"""A post's path to selling: only a verified post whose prices buyers can read in their own
currency may open its storefront (the .POST registration step)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mall.posts.models import Post, PostStatus
from mall.rates.conversion import RateTable


class CannotGoLive(Exception):
    """The post may not open its storefront yet; `reason` says why, for the operator."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def go_live(post: Post, rates: RateTable) -> None:
    """Open the post's storefront. A currency without an exchange rate would leave buyers
    elsewhere unable to see or pay its prices, so it blocks going live."""
    if post.status is PostStatus.LIVE:
        return
    if post.status is not PostStatus.VERIFIED or post.community_id is None:
        raise CannotGoLive(str(_l("The post has not been verified by the operator.")))
    if not rates.has(post.currency):
        raise CannotGoLive(
            str(_l("There is no exchange rate for %(currency)s yet: enter one first.",
                   currency=post.currency))
        )
    post.status = PostStatus.LIVE
