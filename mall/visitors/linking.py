"""Joining a host's session to the visitor known at the portal, without a shared cookie.

Like single sign-on across domains: the storefront sends the browser to the portal, which
knows (or creates) the visitor and sends it back with a signed, single-use token valid for
a minute, bound to the one host that asked. Only the mall's own hosts are ever redirected
to, so the link can never be used as an open redirect.

A token is also bound to the browser that asked (like OAuth's `state`): before sending the
browser to the portal, the storefront keeps a random nonce in its own host-only session;
the portal signs it into the token, and the storefront redeems only a token carrying the
nonce it is waiting for. A token started in an attacker's browser and sent to a victim
finds no such nonce there, and is refused."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from urllib.parse import SplitResult, urlencode, urlsplit, urlunsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update
from sqlalchemy.orm import Session

from mall.hosts import is_mall_host, is_plain_url
from mall.visitors.models import LinkToken, Visitor

LINK_SECONDS = 60
_SALT = "mall.host-link"
#: The one-time check's `prompt` (OpenID Connect's "answer without asking anything"):
#: the portal links only a visit it knows, and the storefront never shows an error for it.
PROMPT_NONE = "none"
#: Longest nonce the portal accepts (`new_nonce` makes 43 characters).
MAX_NONCE_LENGTH = 64


class LinkRefused(Exception):
    """A link token that is expired, tampered with, replayed or meant for another host."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def mall_target(url: str, scheme: str) -> SplitResult | None:
    """`url` parsed, if it is an absolute address on one of the mall's hosts with the
    current scheme; otherwise None."""
    if not is_plain_url(url):
        return None
    try:
        target = urlsplit(url)
    except ValueError:
        return None
    if target.scheme != scheme or target.username or target.password:
        return None
    if not is_mall_host(target.netloc):
        return None
    return target


def new_nonce() -> str:
    """What a storefront keeps in its own session while the browser goes to the portal."""
    return secrets.token_urlsafe(32)


def valid_nonce(value: str) -> bool:
    return 0 < len(value) <= MAX_NONCE_LENGTH and value.isascii() and value.isprintable()


def issue_link(
    session: Session, visitor: Visitor, target: SplitResult, nonce: str, now: datetime,
    prompt: str | None = None,
) -> str:
    """The address on the target host that completes the link, then goes to `target`;
    only the browser holding `nonce` in the target host's session can complete it.
    `prompt` ("none" for the one-time check) is handed back unchanged."""
    jti = secrets.token_urlsafe(32)
    session.add(
        LinkToken(
            id=jti,
            visitor_id=visitor.id,
            host=target.netloc,
            expires_at=now + timedelta(seconds=LINK_SECONDS),
        )
    )
    session.flush()
    token = _serializer().dumps({"jti": jti, "host": target.netloc, "nonce": nonce})
    return _complete_url(target, {"token": token}, prompt)


def unknown_visitor_url(target: SplitResult) -> str:
    """The portal's answer to a one-time check (`prompt=none`) from a browser it does not
    know: back to the target host, with no token, to show the page that was asked for."""
    return _complete_url(target, {}, PROMPT_NONE)


def _complete_url(target: SplitResult, values: dict[str, str], prompt: str | None) -> str:
    back = urlunsplit(("", "", target.path or "/", target.query, ""))
    query = urlencode({**values, "next": back, **({"prompt": prompt} if prompt else {})})
    return urlunsplit((target.scheme, target.netloc, "/link/complete", query, ""))


def redeem_link(
    session: Session, token: str, host: str, pending_nonce: str | None, now: datetime
) -> Visitor:
    """The visitor the token stands for; it can be redeemed once, on `host`, in time, by
    the browser whose session on `host` holds the token's nonce (`pending_nonce`)."""
    try:
        data = _serializer().loads(token, max_age=LINK_SECONDS)
    except SignatureExpired as error:
        raise LinkRefused("expired") from error
    except BadSignature as error:
        raise LinkRefused("tampered") from error
    if not isinstance(data, dict) or data.get("host") != host:
        raise LinkRefused("wrong host")
    nonce = data.get("nonce")
    if not (
        isinstance(nonce, str)
        and pending_nonce
        and hmac.compare_digest(nonce.encode(), pending_nonce.encode())
    ):
        raise LinkRefused("started in another browser")
    used = session.execute(
        update(LinkToken)
        .where(
            LinkToken.id == data.get("jti"),
            LinkToken.host == host,
            LinkToken.used_at.is_(None),
            LinkToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(LinkToken.visitor_id)
    ).scalar_one_or_none()
    if used is None:
        raise LinkRefused("replayed or expired")
    visitor = session.get(Visitor, used)
    if visitor is None:
        raise LinkRefused("unknown visitor")
    return visitor
