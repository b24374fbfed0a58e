"""The buyer's display currency: which one applies, how it is chosen, and prices in it.

Every price is the post's own, in the post's currency; when the buyer reads another
currency, the converted amount follows it, marked approximate (the amount is only fixed
when checkout locks a quote). One rate table is loaded per request, the first time a
price needs it, so a page's query count does not grow with the number of prices on it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name, get_territory_currencies
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    session,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.hosts import PORTAL_SUBDOMAIN, current_site, local_path
from mall.i18n import formatting_locale, page_locale
from mall.i18n import translate as _
from mall.memo import memoized
from mall.money import Money, format_face_value, format_money, known_currencies
from mall.posts.models import Post
from mall.rates.conversion import (
    RateTable,
    available_currencies,
    configured_spread_bps,
    load_rate_table,
)
from mall.visitors.context import current_visitor, ensure_visitor

#: The host session's key for a choice made before the host was linked to a visitor.
SESSION_KEY = "currency"
#: The last resort, when nothing about the buyer names a currency with a rate.
FALLBACK_CURRENCY = "EUR"
_CODE = re.compile(r"[A-Z]{3}")


#: Registered on every host (`subdomain=ANY_SITE`): the selector is in every page's top bar.
bp = Blueprint("currency", __name__)


def rate_table() -> RateTable:
    """The rates every price on a page is shown with: the worker's table, loaded again
    (one query) when the rates version moves. Checkout fixes its quote with
    `quoting_rate_table`."""
    return memoized("rate_table", None, ("rates",), lambda: load_rate_table(db.session))


def quoting_rate_table() -> RateTable:
    """The rates a quote is fixed with: read from the database, once per request, so a
    rate committed a moment ago by another worker already counts."""
    if "quoting_rate_table" not in g:
        g.quoting_rate_table = load_rate_table(db.session)
    return g.quoting_rate_table


def is_offered(code: object) -> bool:
    """Whether prices can be shown in `code`: a currency with a rate, known to CLDR."""
    return (
        isinstance(code, str) and code in known_currencies() and rate_table().has(code)
    )


def display_currency() -> str:
    """The visitor's choice (the same on every linked host), else the signed-in buyer's
    preference, else this host's remembered choice, else the currency of the reader's
    territory (the page's locale, then the browser's languages), else the configured
    default. Only currencies with a rate qualify. Decided once per request."""
    if "display_currency" not in g:
        g.display_currency = _decide()
    return g.display_currency


def _decide() -> str:
    visitor = current_visitor()
    buyer = visitor.signed_in_buyer(utcnow()) if visitor is not None else None
    chosen = (
        visitor.currency if visitor is not None else None,
        buyer.preferred_currency if buyer is not None else None,
        session.get(SESSION_KEY),
    )
    for code in chosen:
        if is_offered(code):
            return code
    for territory in _reader_territories():
        for code in get_territory_currencies(territory):
            if is_offered(code):
                return code
    default = current_app.config.get("DEFAULT_CURRENCY", FALLBACK_CURRENCY)
    return default if is_offered(default) else FALLBACK_CURRENCY


def _reader_territories() -> Iterator[str]:
    """The page locale's territory (es_UY on stamps.uy.post), then those the browser's
    `Accept-Language` names (en-GB), best first."""
    territory = formatting_locale().territory
    if territory:
        yield territory
    for value, _quality in request.accept_languages:
        try:
            territory = Locale.parse(value, sep="-").territory
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        if territory:
            yield territory


def approximate(money: Money) -> Money | None:
    """`money` in the display currency, with the operator's spread (what the buyer would
    pay), or None when it is already in that currency or no rate is known."""
    target = display_currency()
    table = rate_table()
    if money.currency == target or not (table.has(money.currency) and table.has(target)):
        return None
    return table.convert(money, target, configured_spread_bps(current_app.config))


#: Prices kept drawn per worker, locale and display currency: past it the memo starts over.
MAX_DRAWN_PRICES = 20_000


@bp.app_template_filter("price")
def price_filter(money: Money) -> Markup:
    """`UYU 15.00`, followed by `≈ €0.32` when the buyer reads prices in another currency."""
    return price_drawer()(money)


def price_drawer() -> Callable[[Money], Markup]:
    """`price_filter` for the prices of one page: the reader's locale and currency, and
    their drawn prices, looked up once (a listing's cards draw 24).

    A listing draws mostly the same few amounts across pages and visitors: each is drawn
    once per worker, locale and display currency while the rates hold (a Babel format, a
    conversion and a translation were a third of a listing's cost)."""
    locale = formatting_locale()
    if not has_request_context():  # a mail or a PDF: no reader whose currency we know
        return lambda money: Markup.escape(format_money(money, locale))
    drawn: dict[Money, Markup] = memoized(
        "prices", (str(locale), str(page_locale()), display_currency()), ("rates",), dict)

    def draw(money: Money) -> Markup:
        found = drawn.get(money)
        if found is None:
            if len(drawn) >= MAX_DRAWN_PRICES:
                drawn.clear()
            found = drawn[money] = _draw_price(money, locale)
        return found

    return draw


def _draw_price(money: Money, locale: Locale) -> Markup:
    own = Markup.escape(format_money(money, locale))
    other = approximate(money)
    if other is None:
        return own
    return Markup(
        '{own}<span class="approx" title="{title}"><span class="sep" aria-hidden="true"> · '
        "</span>{text}</span>"
    ).format(
        own=own,
        title=_("Approximate: the exact amount is fixed at checkout."),
        text=_("≈ %(price)s", price=format_money(other, locale)),
    )


@bp.app_template_filter("face_value")
def face_value_filter(product: Product, post: Post) -> str:
    """The face value as `post` (the product's) wrote it, with the money's sign as the
    page's prices write it ("$UY 15" beside "40,00 $UY" on a French page)."""
    return format_face_value(product.face_value, product.currency, post.code, formatting_locale(),
                             written_in=post.default_locale)


def choose(code: str) -> None:
    """Remember `code` on this host and, when linked, on the visitor (so every linked host
    follows) and on the signed-in buyer's account (so it follows them to new browsers).
    The caller has checked `is_offered(code)`."""
    session[SESSION_KEY] = code
    visitor = current_visitor()
    if visitor is None and current_site() == PORTAL_SUBDOMAIN:
        visitor = ensure_visitor()  # a person chose: the hub may know them from now on
    if visitor is None:
        return
    visitor.currency = code
    buyer = visitor.signed_in_buyer(utcnow())
    if buyer is not None:
        buyer.preferred_currency = code


@bp.post("/currency")
def set_currency(site: str) -> ResponseReturnValue:
    """The selector's form: change the display currency and go back where the buyer was."""
    code = (request.form.get("currency") or "").strip().upper()
    if not _CODE.fullmatch(code):
        abort(400, description=_("Please choose a currency from the list."))
    if not is_offered(code):
        abort(
            400,
            description=_(
                "Prices cannot be shown in %(currency)s: the mall has no exchange rate for it.",
                currency=code,
            ),
        )
    choose(code)
    flash(
        _("Converted prices are now shown in %(currency)s.", currency=currency_name(code)),
        "success",
    )
    return redirect(local_path(request.form.get("next")))


def currency_name(code: str) -> str:
    """The currency's name in the page's language ("peso uruguayo")."""
    try:
        return get_currency_name(code, locale=page_locale() or Locale("en"))
    except (UnknownLocaleError, ValueError):
        return code


@bp.app_template_global()
def currency_choices() -> list[tuple[str, str]]:
    """What the selector offers: every currency with a rate, by code, with its name; made
    once per language while the rates hold (40 names looked up in CLDR per page, else)."""
    locale = page_locale()
    return memoized(
        "currency_choices", str(locale), ("rates",),
        lambda: [(code, currency_name(code)) for code in available_currencies(rate_table())],
    )


@bp.app_template_global()
def currency_options() -> Markup:
    """The selector's options, the display currency selected: drawn once per language and
    currency while the rates hold (forty options drawn by the template on every page,
    else)."""
    shown = display_currency()

    def draw() -> Markup:
        return Markup("").join(
            Markup('<option value="{code}"{selected}>{code} · {name}</option>').format(
                code=code, name=name, selected=Markup(" selected") if code == shown else "")
            for code, name in currency_choices()
        )

    return memoized("currency_options", (str(page_locale()), shown), ("rates",), draw)


bp.add_app_template_global(display_currency)
