"""Hosts: the portal at `stamps.<domain>`, a storefront per country at `stamps.<cc>.<domain>`.

Each host is a separate site (`.post` is a public suffix), so everything a page needs —
static files and stamp artwork included — is served on every host, same-origin."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, send_from_directory
from flask.globals import request_ctx
from flask.typing import ResponseReturnValue
from werkzeug.routing import BaseConverter, IntegerConverter, Map, UnicodeConverter

from mall.columns import MAX_ID
from mall.config import ROOT

PORTAL_SUBDOMAIN = "stamps"
STOREFRONT_SUBDOMAIN = "stamps.<country:cc>"
#: Matches the subdomain of any mall host; used for routes that answer everywhere.
ANY_SITE = "<site:site>"
STATIC_DIR = ROOT / "mall" / "static"


_SITE = re.compile(r"stamps(?:\.[a-z]{2})?")


class CountryConverter(BaseConverter):
    """An ISO 3166 alpha-2 code as it appears in a host name."""

    regex = "[a-z]{2}"


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: ids only, up to the largest a database id holds, so an
    overlong number is a 404 like any other missing row (never the driver's overflow)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - Werkzeug's
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """The default `<name>` (slugs, codes, tokens): a path segment without control characters,
    which no row of ours holds and PostgreSQL refuses outright (NUL)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - Werkzeug's
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]")


class SiteConverter(BaseConverter):
    """The subdomain of the portal or of any storefront."""

    regex = _SITE.pattern


def init_app(app: Flask) -> None:
    app.url_map.converters["country"] = CountryConverter
    app.url_map.converters["site"] = SiteConverter
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    app.add_url_rule(
        "/static/<path:filename>", endpoint="static", view_func=static, subdomain=ANY_SITE
    )
    app.add_url_rule("/favicon.ico", endpoint="favicon", view_func=favicon, subdomain=ANY_SITE)
    app.url_defaults(_current_site_default)


def static(site: str, filename: str) -> ResponseReturnValue:
    return _read_in(send_from_directory(STATIC_DIR, filename, max_age=3600))


def favicon(site: str) -> ResponseReturnValue:
    """Where browsers, feed readers and bookmarks look for an icon without reading a page's
    `<link rel="icon">` (which names the SVG): the same mark, rasterised."""
    return _read_in(send_from_directory(
        STATIC_DIR, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    ))


def _read_in(response: Response) -> Response:
    """The static file's few kilobytes read into the response, and the file closed now:
    streamed from an open file, it stays open when a browser drops the request half-way
    (a page left while its icon loads) until the server happens to close the response."""
    response.direct_passthrough = False
    response.get_data()
    response.close()
    return response


def current_site() -> str:
    """The subdomain part of the current request's host (`stamps` or `stamps.uy`) — on a
    post's extra name, its storefront's (`mall.tenancy.route_extra_name` routed it there);
    the portal's for any other trusted host, so that its error page can still be drawn."""
    server_name = current_app.config["SERVER_NAME"]
    site = request.host.removesuffix("." + server_name)
    if not _SITE.fullmatch(site):
        adapter = request_ctx.url_adapter
        site = adapter.subdomain if adapter is not None else ""
    return site if _SITE.fullmatch(site) else PORTAL_SUBDOMAIN


def is_site(subdomain: str) -> bool:
    """Whether `subdomain` is the portal's or a storefront's `stamps.<cc>`."""
    return _SITE.fullmatch(subdomain) is not None


def is_mall_host(netloc: str) -> bool:
    """Whether `netloc` (host and port, as in a URL) is the portal, a storefront, or an
    extra name a post registered."""
    suffix = "." + current_app.config["SERVER_NAME"]
    netloc = netloc.lower()
    if not netloc.endswith(suffix):
        return False
    name = netloc[: -len(suffix)]
    return _SITE.fullmatch(name) is not None or _registered(name)


def _registered(name: str) -> bool:
    from sqlalchemy import select

    from mall.extensions import db
    from mall.posts.models import PostHost

    return db.session.scalar(select(PostHost.id).where(PostHost.name == name)) is not None


def local_path(value: str | None) -> str:
    """`value` if it is a path on this host, else "/": every return address a request names
    (`next`, a form's `next`) goes through here, so none leaves the host. Browsers drop tabs
    and newlines from URLs and read a backslash as a slash, so `/\t/evil.example` and
    `/\\evil.example` would be `//evil.example` to them: anything unprintable or a backslash is
    refused outright, as is anything with a scheme or a host."""
    if not value or not is_plain_url(value) or not value.startswith("/") or value.startswith("//"):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


def local_path_under(value: str | None, prefix: str) -> str | None:
    """`value` if it is a path on this host under `prefix` (a back office's), else None."""
    if not value:
        return None
    path = local_path(value)
    return path if path == value and path.startswith(prefix + "/") else None


def is_plain_url(value: str) -> bool:
    """No control, format or space characters and no backslash: what browsers would silently
    drop or reinterpret."""
    return "\\" not in value and all(char.isprintable() and not char.isspace() for char in value)


def _current_site_default(endpoint: str, values: dict[str, Any]) -> None:
    """Links to every-host routes stay on the host the page was served from."""
    if "site" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "site"):
        values["site"] = current_site()
