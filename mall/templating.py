"""Template helpers that are about pages, not about language or money."""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable

from flask import Flask, request, url_for
from markupsafe import Markup

from mall.catalogue.cards import issue_cards
from mall.catalogue.labels import LABELS as CATALOGUE_LABELS
from mall.content.markdown import render_markdown
from mall.i18n import page_locale
from mall.memo import memoized
from mall.onboarding.labels import LABELS as ONBOARDING_LABELS
from mall.settlement.labels import LABELS as SETTLEMENT_LABELS


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["issue_cards"] = issue_cards
    app.jinja_env.globals["kept"] = kept
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["label"] = label


def label(member: enum.Enum) -> str:
    """What a person reads for one of the mall's enumerations, in the page's language."""
    table = next((table for table in (SETTLEMENT_LABELS, ONBOARDING_LABELS) if member in table),
                 CATALOGUE_LABELS)
    return str(table[member])


def page_url(number: int) -> str:
    """The current listing with another page number, keeping every filter."""
    args = request.args.to_dict()
    args["page"] = str(number)
    return url_for(request.endpoint or "portal.home", **(request.view_args or {}), **args)


def kept(name: str, *key: Hashable, caller: Callable[[], Markup]) -> Markup:
    """What a `{% call kept(name) %}…{% endcall %}` block of the layout renders, drawn once
    per worker, site (scheme and host: its links) and language, and `key`, while the
    catalogue holds (`mall.memo`; posts are part of it). For the parts of every page that
    no visitor changes (a shop's header and footer): their translations and links were an
    eighth of a storefront catalogue page's instructions. Nothing of the visitor goes in
    one (no CSRF token, cart or account), nor of the request but what `key` names."""
    return memoized(f"kept:{name}", (request.host_url, str(page_locale()), *key),
                    ("catalogue",), caller)


def paragraphs(text: str) -> list[tuple[str, str]]:
    """Split page text into ("h", heading) and ("p", paragraph) blocks. Content is plain text,
    never HTML, so nothing a post types can inject markup."""
    blocks: list[tuple[str, str]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        block = block.strip()
        if not block:
            continue
        lines = block.split("\n")
        if lines[0].startswith("## "):
            blocks.append(("h", lines[0][3:].strip()))
            lines = lines[1:]
        if lines:
            blocks.append(("p", " ".join(line.strip() for line in lines)))
    return blocks
