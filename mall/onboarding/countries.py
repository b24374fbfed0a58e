"""What CLDR (through Babel) knows about a country, for the apply form and for the post an
approved application becomes: its name in each language, its currency, its languages."""

from __future__ import annotations

from datetime import date
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from babel.localedata import exists
from babel.numbers import get_territory_currencies

#: CLDR territories that are no ISO 3166 country a post could serve: groupings
#: (EU, UN…), exceptional reservations (AC, CP, DG…) and the unknown region.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
#: The most languages a new post publishes in besides English (it can change them later).
MAX_LANGUAGES = 3


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166 alpha-2 codes of countries with a currency of their own (a post prices in
    it). User-assigned codes (Q…, X…, such as XK) are left out."""
    return frozenset(
        code for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code[0] not in "QX"
        and code not in _NOT_COUNTRIES and currency_of(code)
    )


def country_choices(locale: str) -> list[tuple[str, str]]:
    """(code, name in `locale`) for every country, by name."""
    names = _territories(locale)
    return sorted(((code, names.get(code, code)) for code in country_codes()),
                  key=lambda pair: pair[1].casefold())


def _territories(locale: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(locale).territories)
    except (UnknownLocaleError, ValueError):
        return dict(Locale("en").territories)


def currency_of(code: str, today: date | None = None) -> str | None:
    """The country's legal tender today (the first, where it has several: ZW → USD)."""
    found = get_territory_currencies(code.upper(), start_date=today or date.today())
    return found[0] if found else None


def languages_of(code: str) -> list[str]:
    """The country's official languages that Babel can write in, the first the most spoken,
    as language codes without script ("sr" for sr_Latn); then English."""
    languages: list[str] = []
    for identifier in get_official_languages(code.upper(), de_facto=True):
        language = identifier.split("_")[0]
        if exists(language) and language not in languages:
            languages.append(language)
    languages = languages[:MAX_LANGUAGES]
    return languages + ["en"] if "en" not in languages else languages
