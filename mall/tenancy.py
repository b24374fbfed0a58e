"""Tenancy: which post a request belongs to, and queries that stay inside it.

The post is resolved from the request's host once per request, through the `post_host`
table (`mall.posts.models.PostHost`), and read through `current_post()` only. Post-owned
rows are read through `scoped(Model)` and `get_owned_or_404(Model, id)`, never with a hand
written `post_id` filter, so that forgetting the filter is not possible; another post's row
is a 404, like a row that does not exist (a 403 would confirm it exists)."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from flask import Flask, abort, current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import Select, select
from werkzeug.routing import MapAdapter

from mall.extensions import db
from mall.hosts import PORTAL_SUBDOMAIN, is_site
from mall.posts.models import Post, PostHost, PostStatus, storefront_host_name

#: WSGI environ key of the resolved post (a Post, or None for a host that is no post's):
#: per request by construction, whatever app context the request runs in.
_ENVIRON_KEY = "mall.tenancy.post"


class PostOwned(Protocol):
    id: Any
    post_id: Any


M = TypeVar("M", bound=PostOwned)


def init_app(app: Flask) -> None:
    """`current_post()` for storefront templates (one way to get the post, there too)."""
    app.add_template_global(current_post)


def host_name() -> str:
    """The request's host as `post_host` stores it: relative to the mall's domain, or
    absolute with a final dot."""
    host = request.host.rsplit(":", 1)[0].lower().rstrip(".")
    domain = current_app.config["DOMAIN"].lower()
    if host.endswith("." + domain):
        return host[: -len(domain) - 1]
    return host + "."


def host_post() -> Post | None:
    """The post this request's host belongs to, whatever its status; None for the portal or
    an unknown host. One query per request."""
    environ = request.environ
    if _ENVIRON_KEY not in environ:
        name = host_name()
        environ[_ENVIRON_KEY] = None if name == PORTAL_SUBDOMAIN else db.session.scalar(
            select(Post).join(PostHost, PostHost.post_id == Post.id).where(PostHost.name == name)
        )
    return environ[_ENVIRON_KEY]


#: The statuses whose post runs its back office: it prepares its shop once verified, and
#: ships and settles its open orders while suspended.
BACK_OFFICE_STATUSES = (PostStatus.VERIFIED, PostStatus.LIVE, PostStatus.SUSPENDED)


def current_post() -> Post:
    """The post whose storefront (live) or back office (verified, live or suspended) this
    request is on; a suspended storefront is a page that says it is closed (503), and any
    other host a 404."""
    post = host_post()
    if post is not None:
        if post.status is PostStatus.LIVE:
            return post
        if request.blueprint == "backoffice" and post.status in BACK_OFFICE_STATUSES:
            return post
        if post.status is PostStatus.SUSPENDED:
            abort(503, description=_(
                "%(shop)s is closed for now. Orders already placed are shipped and settled "
                "as usual; the stamps in your cart wait for its return.",
                shop=post.shop_name.get("en") or post.code.upper(),
            ))
    abort(404, description=_("There is no post's storefront at this address."))


def route_extra_name(adapter: MapAdapter) -> None:
    """A request on one of a post's extra names (`africaphilatelyshop.post`) is routed as
    on its `stamps.<cc>` storefront: the same pages, cookies host-only on the name the
    browser used, links relative to it. The host stays the browser's (CSRF's same-origin
    check and the host links read it); only routing learns the storefront's subdomain."""
    if is_site(adapter.subdomain):
        return
    post = host_post()
    if post is not None:
        adapter.subdomain = storefront_host_name(post.code)


def site_post() -> Post | None:
    """The current post on a storefront host, None on the portal (for routes that answer on
    every host; `current_post()` has already refused hosts that are no live post's), and
    outside a request."""
    if not has_request_context():
        return None
    post = host_post()
    return post if post is not None and post.status is PostStatus.LIVE else None


def scoped(model: type[M]) -> Select[tuple[M]]:
    """`select(model)` limited to the current post's rows."""
    return select(model).where(model.post_id == current_post().id)


def get_owned_or_404(model: type[M], ident: object) -> M:
    """The current post's `model` row with this id; 404 when it is missing or another's."""
    found = db.session.get(model, ident)
    if found is None or found.post_id != current_post().id:
        abort(404)
    return found


def first_owned_or_404(query: Select[tuple[M]], description: str | None = None) -> M:
    """The first row of a `scoped(...)` query, or a 404 with `description`."""
    found = db.session.scalars(query.limit(1)).first()
    if found is None:
        abort(404, description=description)
    return found
