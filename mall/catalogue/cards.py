"""What an issue's card in a listing shows (link, picture, title, country, date, lowest price):
the columns a listing reads for it, and the cards made in one pass for a page of them.

A listing shows 24 cards. Loading 24 issues as ORM objects, with their products for the
lowest price, took ten times as long as reading the few columns a card shows as plain rows
(the lowest price computed by the database), so listings read `card_columns` rows. Building
each card's URLs with `url_for` and its texts with a gettext and a Babel call apiece was
the rest of a page's cost: the URLs differ only by an issue's slug or id and its post's
code, so each route is built once per page with placeholders and filled in per card; the
date and price texts are made once per value and locale (prices once per worker too,
`mall.currency.price_drawer`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

from babel.dates import format_date
from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import Integer, Row, Select, bindparam, func, select, true
from sqlalchemy.orm import Session

from mall.catalogue.models import Issue, Product
from mall.currency import price_drawer
from mall.i18n import country_name, in_language, page_language, page_locale
from mall.i18n import translate as _
from mall.money import Money
from mall.pagination import CappedPage, capped_count
from mall.posts.models import Post
from mall.tenancy import site_post

#: Stand for a slug, a post's code or an id in a URL built once per page; never real ones.
_SLUG = "0slug0"
_CODE = "0cc0"
_ID = 987_654_321


def card_columns() -> tuple[Any, ...]:
    """What a card shows of an issue and of its post, which the listing joins: one row per
    card, no object loaded."""
    cheapest = (
        select(func.min(Product.price_minor))
        .where(Product.issue_id == Issue.id)
        .scalar_subquery()
    )
    return (Issue.id, Issue.slug, Issue.title, Issue.issue_date, Issue.image_key,
            Post.code.label("post_code"), Post.currency.label("currency"),
            cheapest.label("from_minor"))


P = TypeVar("P", bound=CappedPage)

#: How a listing sorts the columns of its keys: a list of ORDER BY terms, from the keys'
#: columns (the page's subquery's, when the cards are read).
Ordering = Callable[[Any], list[Any]]


def card_page(
    session: Session, keys: Select[Any], ordering: Ordering, page: int, per_page: int,
    cap: int, page_type: type[P],
) -> P:
    """One page of a listing's cards (`card_columns` rows), with the number of issues the
    listing holds, counted up to `cap` ("more than" past it). `keys` selects the listing's
    issue ids with the columns it is sorted by (`ordering`)."""
    return read_card_page(session, card_statement(keys, ordering, cap), {}, page, per_page,
                          cap, page_type)


def card_statement(keys: Select[Any], ordering: Ordering, cap: int) -> Select[Any]:
    """The statement of `card_page`, whose page is bound when it is read (`read_card_page`):
    a caller may build it once and read every page of every listing of its shape with it.

    One query: the page's issues are chosen by their sort keys alone, then only those are
    read for their cards, and one row more than the page, which says whether a next page
    exists. (A card's columns computed before the offset cost one lowest price per skipped
    issue: 80 ms for a deep page of 17,000 issues on PostgreSQL.) The count is the query's
    one-row start, which the cards join: a page past the last is then a single row of the
    count and no card, so it costs no second query."""
    chosen = (
        keys.order_by(*ordering(keys.selected_columns))
        .limit(bindparam("card_limit", type_=Integer))
        .offset(bindparam("card_offset", type_=Integer))
        .subquery("page")
    )
    counted = capped_count(keys, cap + 1).subquery("counted")
    return (
        select(counted.c.total, *card_columns())
        .select_from(counted)
        .outerjoin(chosen, true())
        .outerjoin(Issue, Issue.id == chosen.c.id)
        .outerjoin(Post, Post.id == Issue.post_id)
        .order_by(*ordering(chosen.c))
        # A search's options, for its plan (`mall.database`).
        .execution_options(**keys.get_execution_options())
    )


def read_card_page(
    session: Session, statement: Select[Any], values: dict[str, Any], page: int,
    per_page: int, cap: int, page_type: type[P],
) -> P:
    """One page of a `card_statement`, with the `values` its other parameters are bound to."""
    rows = list(session.execute(
        statement,
        {**values, "card_limit": per_page + 1, "card_offset": (page - 1) * per_page},
    ))
    total = rows[0].total
    cards = [row for row in rows if row.id is not None]
    return page_type(items=cards[:per_page], total=min(total, cap), page=page,
                     per_page=per_page, more=total > cap, following=len(cards) > per_page)


@dataclass(frozen=True, slots=True)
class IssueCard:
    """One card's texts, ready for the template (which escapes them)."""

    link: str
    picture: str
    photo: bool
    title: str
    #: The title's language when it is not the page's ("" when it is), for `lang`.
    title_lang: str
    country: str
    date_iso: str
    date_text: str
    from_price: Markup | None


def issue_cards(rows: Iterable[Row[Any]], show_post: bool = False) -> list[IssueCard]:
    """The cards of a listing's `card_columns` rows, in order; sends no SQL."""
    # On a storefront (its extra names too) its own issues' links are relative: built for
    # its code; links to other hosts differ only by the code.
    here = site_post()
    links = {here.code: url_for("storefront.issue", cc=here.code, slug=_SLUG)} if here else {}
    elsewhere = url_for("storefront.issue", cc=_CODE, slug=_SLUG)
    photo = url_for("catalogue.media", name=_SLUG)
    drawn = url_for("catalogue.issue_artwork", issue_id=_ID)
    locale = str(page_locale() or "en")
    page = page_language()
    from_text = escape(_("from %(price)s"))
    price = price_drawer()
    cards = []
    for row in rows:
        code = row.post_code
        if code not in links:
            links[code] = elsewhere.replace(_CODE, code)
        title, language = in_language(row.title, page)
        cards.append(IssueCard(
            link=links[code].replace(_SLUG, row.slug),
            picture=(photo.replace(_SLUG, f"{row.image_key}-320.jpg") if row.image_key
                     else drawn.replace(str(_ID), str(row.id))),
            photo=bool(row.image_key),
            title=title,
            title_lang=language if language != page else "",
            country=country_name(code, page) if show_post else "",
            date_iso=row.issue_date.isoformat(),
            date_text=_medium_date(row.issue_date, locale),
            from_price=(from_text % {"price": price(Money(row.from_minor, row.currency))}
                        if row.from_minor is not None else None),
        ))
    return cards


@lru_cache(maxsize=4096)
def _medium_date(day: date, locale: str) -> str:
    return format_date(day, format="medium", locale=locale)
