"""The names a post's storefront answers on, under the mall's domain: `stamps.<cc>` for the
verified post of country `cc` (registered with the post), and extra names a verified post
registers later (`africaphilatelyshop` for `africaphilatelyshop.post`).

Names are the mall's trust: a buyer who reaches a storefront must be at the verified post's
shop. So `stamps.<cc>` is never another country's, the names the .POST community protects
for the whole industry (`postal`, `e-commerce`…) are never given out, an unverified post
registers nothing, and a name is one post's only."""

from __future__ import annotations

import enum
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.posts.models import Post, PostHost, PostStatus, storefront_host_name

#: Names protected for the whole postal industry or kept by the mall itself, under its
#: domain: never a post's extra name.
PROTECTED = frozenset({
    "postal", "e-commerce", "ecommerce", "post", "posts", "stamps", "stamp", "philately",
    "philatelic", "upu", "universal-postal-union", "mall", "www", "mail", "email", "shop",
    "store", "operator", "admin", "api", "cdn", "static", "login", "secure", "pay",
    "payment", "payments", "track", "tracking", "ems", "parcel", "parcels", "letters",
})
#: An extra name: one DNS label of 3 to 63 letters, digits and inner hyphens.
LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])")
#: `stamps.<two letters>`: the storefront name of a country.
COUNTRY_NAME = re.compile(r"stamps\.([a-z]{2})")


class Refusal(enum.Enum):
    NOT_VERIFIED = "not_verified"
    INVALID = "invalid"
    PROTECTED = "protected"
    OTHER_COUNTRY = "other_country"
    TAKEN = "taken"
    #: The post's own `stamps.<cc>`: it cannot be removed.
    STOREFRONT_NAME = "storefront_name"


class NameRefused(Exception):
    def __init__(self, refusal: Refusal, name: str) -> None:
        super().__init__(f"{name}: {refusal.value}")
        self.refusal = refusal
        self.name = name


def normalize(text: str, domain: str) -> str:
    """What a person types ("AfricaPhilatelyShop.post", "wnsstamps.post.localhost", "
    wnsstamps ") as `post_host` stores it: lower case, relative to the mall's domain."""
    name = text.strip().lower().rstrip(".")
    for suffix in ("." + domain.lower(), ".post"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name


def check_name(session: Session, post: Post, name: str) -> None:
    """Raise `NameRefused` unless `post` may answer on `name` (relative to the domain)."""
    if post.status not in (PostStatus.VERIFIED, PostStatus.LIVE, PostStatus.SUSPENDED):
        raise NameRefused(Refusal.NOT_VERIFIED, name)
    country = COUNTRY_NAME.fullmatch(name)
    if country:
        if country[1] != post.code:
            raise NameRefused(Refusal.OTHER_COUNTRY, name)
    elif not LABEL.fullmatch(name) or "--" in name:
        raise NameRefused(Refusal.INVALID, name)
    elif name in PROTECTED or name.startswith("stamps"):
        raise NameRefused(Refusal.PROTECTED, name)
    owner = session.scalar(select(PostHost.post_id).where(PostHost.name == name))
    if owner is not None:
        raise NameRefused(Refusal.TAKEN, name)


def register_name(session: Session, post: Post, text: str, domain: str) -> PostHost:
    """Register an extra name for `post`; raises `NameRefused` with nothing changed."""
    name = normalize(text, domain)
    check_name(session, post, name)
    host = PostHost(post_id=post.id, name=name)
    session.add(host)
    session.flush()
    return host


def remove_name(session: Session, post: Post, host_id: int) -> PostHost | None:
    """Give up one of the post's extra names (its `stamps.<cc>` stays); None if it has no
    such name."""
    host = session.get(PostHost, host_id)
    if host is None or host.post_id != post.id:
        return None
    if host.name == storefront_host_name(post.code):
        raise NameRefused(Refusal.STOREFRONT_NAME, host.name)
    session.delete(host)
    session.flush()
    return host


def names_of(session: Session, post: Post) -> list[PostHost]:
    """The post's names, its `stamps.<cc>` first."""
    hosts = session.scalars(select(PostHost).where(PostHost.post_id == post.id)).all()
    main = storefront_host_name(post.code)
    return sorted(hosts, key=lambda host: (host.name != main, host.name))
