"""What an issue's card in a listing shows (link, picture, title, country, date, lowest price),
made in one pass for a page of cards.

A listing shows 24 cards: building each card's URLs with `url_for` and its texts with a
gettext and a Babel call apiece made the cards most of a page's cost. The URLs differ only
by an issue's slug or id, so each route is built once per page with a placeholder and
filled in per card; the date and price texts are made once per value and locale."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from mall.catalogue.models import Issue
from mall.currency import price_filter
from mall.i18n import country_name, in_language, page_language

#: Stands for a slug or an id in a URL built once per page; never a real slug or id.
_SLUG = "0slug0"
_ID = 987_654_321


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


def issue_cards(issues: Iterable[Issue], show_post: bool = False) -> list[IssueCard]:
    """The cards of `issues`, in order. The issues' products and (with `show_post`) posts
    are loaded by the listing's query, so this sends no SQL."""
    links: dict[str, str] = {}
    photo = url_for("catalogue.media", name=_SLUG)
    drawn = url_for("catalogue.issue_artwork", issue_id=_ID)
    locale = str(get_locale() or "en")
    page = page_language()
    from_text = escape(_("from %(price)s"))
    cards = []
    for issue in issues:
        code = issue.post.code
        if code not in links:
            links[code] = url_for("storefront.issue", cc=code, slug=_SLUG)
        title, language = in_language(issue.title)
        prices = [product.price for product in issue.products]
        cheapest = min(prices, key=lambda money: money.amount) if prices else None
        cards.append(IssueCard(
            link=links[code].replace(_SLUG, issue.slug),
            picture=(photo.replace(_SLUG, f"{issue.image_key}-320.jpg") if issue.image_key
                     else drawn.replace(str(_ID), str(issue.id))),
            photo=bool(issue.image_key),
            title=title,
            title_lang=language if language != page else "",
            country=country_name(issue.post.code) if show_post else "",
            date_iso=issue.issue_date.isoformat(),
            date_text=_medium_date(issue.issue_date, locale),
            from_price=(from_text % {"price": price_filter(cheapest)}
                        if cheapest is not None else None),
        ))
    return cards


@lru_cache(maxsize=4096)
def _medium_date(day: date, locale: str) -> str:
    return format_date(day, format="medium", locale=locale)
