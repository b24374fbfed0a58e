"""Locales: which one a page speaks, how translated content is picked, and how prices and
dates are written for the reader."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations
from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import (
    LazyString,
    format_date,
    format_decimal,
    get_locale,
    get_translations,
    gettext,
)
from markupsafe import Markup, escape

from mall.hosts import ANY_SITE, local_path
from mall.money import Money, format_money
from mall.tenancy import site_post

#: Names of the interface languages, each in its own language, for the switcher.
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "nl": "Nederlands",
    "pt": "Português",
    "km": "ខ្មែរ",
    "sw": "Kiswahili",
}


def init_app(app: Flask) -> None:
    """After Flask-Babel's own: templates translate through `page_translations`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: page_translations().ugettext(text),
        ngettext=lambda singular, plural, n: page_translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.add_url_rule("/language/<code>", "set_language", set_language, subdomain=ANY_SITE)
    app.jinja_env.filters["money"] = money_filter
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.filters["text_language"] = lambda values: in_language(values)[1]
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.globals["country_name"] = country_name
    app.jinja_env.globals["untranslated_note"] = untranslated_note
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["language_name"] = language_name
    app.context_processor(_template_globals)


def page_locale() -> Locale | None:
    """`flask_babel.get_locale()`, read where Flask-Babel keeps the request's locale once it
    is chosen (`force_locale` changes it there, so a mail in the buyer's language stays in
    it). Flask-Babel's own reaches it through nine context-local lookups per call, several
    microseconds each, and a page asks dozens of times."""
    if not has_app_context():
        return None
    locale = getattr(g.get(_BABEL_STATE), "babel_locale", None)
    return locale if locale is not None else get_locale()


def page_translations() -> NullTranslations:
    """The message catalogue of `page_locale`, kept beside it for the request (Flask-Babel
    looks it up again on every message: ~25 µs, against ~3 µs here)."""
    if not has_app_context():
        return get_translations()
    state = g.get(_BABEL_STATE)
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, _KEPT_CATALOGUE, None)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    state = g.get(_BABEL_STATE)  # made by the lookup if this is the request's first
    setattr(state, _KEPT_CATALOGUE, (get_locale(), translations))
    return translations


def translate(text: str, **variables: object) -> str:
    """Flask-Babel's `gettext`, through `page_translations`: for the messages a page writes
    once per item (a price's "≈", its title)."""
    translated = page_translations().ugettext(text)
    return translated % variables if variables else translated


def lazy_translate(text: str, **variables: object) -> LazyString:
    """Flask-Babel's `lazy_gettext`, translated through `translate` when it is read: forms'
    labels and messages, read on every page that shows a form."""
    return LazyString(translate, text, **variables)


#: Flask-Babel's namespace in `g` (flask_babel._get_current_context), and our entry in it.
_BABEL_STATE = "_flask_babel"
_KEPT_CATALOGUE = "mall_catalogue"


def offered_locales() -> list[str]:
    """Interface languages plus, on a storefront, the languages its post publishes in."""
    offered = list(current_app.config["SUPPORTED_LOCALES"])
    post = site_post()
    if post is not None:
        offered += [code for code in post.locales if code not in offered]
    return offered


def select_locale() -> str:
    """What serves an international buyer: their explicit choice (this host's switch, then
    their account's language), else the first of their browser's languages that this host
    offers, else the storefront's own language, else English. Outside a request (CLI,
    cron), the default locale."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    offered = offered_locales()
    chosen = session.get("locale")
    if chosen in offered:
        return chosen
    user = g.get("buyer_locale")
    if user in offered:
        return user
    browser = request.accept_languages.best_match(offered)
    if browser:
        return browser
    post = site_post()
    return post.default_locale if post is not None else current_app.config[
        "BABEL_DEFAULT_LOCALE"]


def set_language(site: str, code: str) -> ResponseReturnValue:
    """Remember the visitor's language on this host and go back where they were."""
    if code in offered_locales() or code in LANGUAGE_NAMES:
        session["locale"] = code
    return redirect(local_path(request.args.get("next")))


def formatting_locale() -> Locale:
    """The page's language with a territory where CLDR knows the pair: on a storefront, its
    country's (a Spanish page on stamps.uy.post writes pesos as `$ 15,00`, as Uruguayans
    do); elsewhere the reader's own, as their browser names it (`en-GB` reads `£14.19`)."""
    language = page_language()
    post = site_post()
    territory = post.code.upper() if post is not None else _reader_territory(language)
    return _locale(language, territory)


@lru_cache(maxsize=1024)
def _locale(language: str, territory: str | None) -> Locale:
    """Made once per pair: a page asks for it per price."""
    if territory:
        try:
            return Locale(language, territory)
        except UnknownLocaleError:
            pass
    return Locale.parse(language)


def _reader_territory(language: str) -> str | None:
    """The territory the reader's browser gives for `language` (`en-GB` → GB), if any."""
    if not has_request_context():
        return None
    for value, _quality in request.accept_languages:
        tag, _, territory = value.replace("_", "-").partition("-")
        if tag.lower() == language and len(territory) == 2 and territory.isalpha():
            return territory.upper()
    return None


def page_language() -> str:
    locale = page_locale()
    return locale.language if locale is not None else "en"


def in_language(
    values: Mapping[str, str] | None, page: str | None = None
) -> tuple[str, str]:
    """A {locale: text} mapping's text in the page's language (`page`, when the caller has
    it already: a listing asks for each card), else English, else whatever language it was
    written in; with the language it is in."""
    page = page or page_language()
    if not values:
        return "", page
    for code in (page, "en"):
        if values.get(code):
            return values[code], code
    return next((text, code) for code, text in values.items())


def localized(values: Mapping[str, str] | None) -> str:
    """The text of a {locale: text} mapping a reader of this page gets (`in_language`)."""
    return in_language(values)[0]


def translated(values: Mapping[str, str] | None) -> Markup:
    """`localized`, marked with its language when that is not the page's (`<span lang>`),
    so that a screen reader speaks a Spanish title as Spanish on an English page."""
    text, language = in_language(values)
    if language == page_language():
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(language, text)


def untranslated_note(values: Mapping[str, str] | None) -> str:
    """The note under a text a post has not written in the page's language (a French reader
    told the description is in Spanish), else ""."""
    if not values:
        return ""
    _text, language = in_language(values)
    if language == page_language():
        return ""
    return gettext("Shown in %(text_language)s: the post has not translated this text into "
                   "%(page_language)s yet.", text_language=_language_in_page(language),
                   page_language=_language_in_page(page_language()))


def _language_in_page(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name(page_language()) or code
    except (UnknownLocaleError, ValueError):
        return code


@lru_cache(maxsize=64)
def _territory_names(language: str) -> Mapping[str, str]:
    try:
        return Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return Locale("en").territories


def country_name(code: str, language: str | None = None) -> str:
    """A country's name as the reader says it ("Ouganda", "Oeganda"), from CLDR through
    Babel, so no post has to translate its own country's name; or the code, for a code CLDR
    does not know."""
    return _territory_names(language or page_language()).get(code.upper(), code.upper())


def money_filter(money: Money) -> str:
    return format_money(money, formatting_locale())


def date_filter(value, format: str = "long") -> str:  # noqa: A002 - Jinja filter argument
    return format_date(value, format=format)


def language_name(code: str) -> str:
    """A language's name in the page's language ("espagnol" on a French page)."""
    try:
        return Locale.parse(code).get_display_name(page_locale()) or code
    except (UnknownLocaleError, ValueError):
        return code


def _language_urls() -> Callable[[str], str]:
    """Each language's switch, back to this page: the URL is built once per page, when the
    page first asks, and the code filled in (a page links every language it offers)."""
    built: list[str] = []

    def language_url(code: str) -> str:
        if not built:
            built.append(url_for("set_language", code=_CODE_HOLE,
                                 next=request.full_path.rstrip("?")))
        return built[0].replace(_CODE_HOLE, code, 1)

    return language_url


#: Stands for a language code in the URL `_language_urls` builds; never a language code.
_CODE_HOLE = "0code0"


def _template_globals() -> dict:
    current = str(page_locale() or "en")
    return {
        "current_locale": current,
        "language_choices": [
            (code, LANGUAGE_NAMES.get(code, code)) for code in offered_locales()
        ],
        "language_url": _language_urls(),
    }
