"""Destination zones: how far a parcel travels from the post that sends it.

Posts price international mail by zone, and the zone follows from two countries alone:
the same country is DOMESTIC, another country of the origin's region is REGION, anything
else is WORLD. The function is pure (no database, no request) so checkout, the back office
and the tests all agree on it.

Regions come from the UN M49 "Standard country or area codes for statistical use" (United
Nations Statistics Division, https://unstats.un.org/unsd/methodology/m49/), at the level of
its five regions — Africa 002, Americas 019, Asia 142, Europe 150, Oceania 009 — except the
Americas, which M49 itself divides into Latin America and the Caribbean (419) and Northern
America (021): mail from Montevideo to Buenos Aires and mail from Montevideo to New York are
priced apart by every post in the hemisphere. Babel ships CLDR's territory names but not
CLDR's territory containment, so the table is kept here. It covers every officially assigned
ISO 3166-1 alpha-2 code (249) plus XK (Kosovo, user-assigned but used by CLDR, the EU and
Kosovo's post). Antarctica (AQ) belongs to no M49 region: mail there is always WORLD.

M49 is geography, not postal tariff: Cyprus and Turkey are Western Asia, so a European post
prices them as WORLD. A post that wants otherwise needs per-post zone overrides (not built)."""

from __future__ import annotations

import enum
from functools import cache

from mall.i18n import lazy_translate as _l


class Zone(enum.Enum):
    """How a post's rates group destinations."""

    DOMESTIC = "domestic"
    REGION = "region"
    WORLD = "world"

    @property
    def label(self) -> str:
        return ZONE_LABELS[self]


ZONE_LABELS = {
    Zone.DOMESTIC: _l("Domestic"),
    Zone.REGION: _l("Same region"),
    Zone.WORLD: _l("Rest of the world"),
}


class Region(enum.Enum):
    """UN M49 regions (the Americas split into their two M49 parts), by M49 code."""

    AFRICA = "002"
    LATIN_AMERICA = "419"
    NORTHERN_AMERICA = "021"
    ASIA = "142"
    EUROPE = "150"
    OCEANIA = "009"
    #: Not an M49 region: Antarctica has none.
    ANTARCTICA = "010"


class UnknownCountry(ValueError):
    """A country code that is not an ISO 3166-1 alpha-2 code of a country or territory."""

    def __init__(self, code: object) -> None:
        self.code = code
        text = "" if code is None else str(code).strip()[:20]
        self.message = (
            _l("%(code)s is not a country we know.", code=text)
            if text
            else _l("Please choose a country.")
        )
        super().__init__(f"unknown ISO 3166-1 alpha-2 country code {code!r}")


# Grouped by M49 sub-region (in comments) so that the table can be read against the source.
_REGIONS: dict[Region, tuple[str, ...]] = {
    Region.AFRICA: (
        "DZ EG EH LY MA SD TN",  # Northern Africa 015
        "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",  # Eastern 014
        "AO CD CF CG CM GA GQ ST TD",  # Middle Africa 017
        "BW LS NA SZ ZA",  # Southern Africa 018
        "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",  # Western Africa 011
    ),
    Region.LATIN_AMERICA: (
        "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT",  # Caribbean 029 …
        "JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",  # … Caribbean 029
        "BZ CR GT HN MX NI PA SV",  # Central America 013
        "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE",  # South America 005
    ),
    Region.NORTHERN_AMERICA: ("BM CA GL PM US",),  # 021
    Region.ASIA: (
        "KG KZ TJ TM UZ",  # Central Asia 143
        "CN HK JP KP KR MN MO TW",  # Eastern Asia 030
        "BN ID KH LA MM MY PH SG TH TL VN",  # South-eastern Asia 035
        "AF BD BT IN IR LK MV NP PK",  # Southern Asia 034
        "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",  # Western Asia 145
    ),
    Region.EUROPE: (
        "BG BY CZ HU MD PL RO RU SK UA",  # Eastern Europe 151
        "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ",  # Northern Europe 154
        "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA XK",  # Southern Europe 039
        "AT BE CH DE FR LI LU MC NL",  # Western Europe 155
    ),
    Region.OCEANIA: (
        "AU CC CX HM NF NZ",  # Australia and New Zealand 053
        "FJ NC PG SB VU",  # Melanesia 054
        "FM GU KI MH MP NR PW UM",  # Micronesia 057
        "AS CK NU PF PN TK TO TV WF WS",  # Polynesia 061
    ),
    Region.ANTARCTICA: ("AQ",),
}


@cache
def _region_by_country() -> dict[str, Region]:
    table: dict[str, Region] = {}
    for region, lines in _REGIONS.items():
        for code in " ".join(lines).split():
            if code in table:  # a typo in the table must not pass silently
                raise RuntimeError(f"{code} listed in {table[code].name} and {region.name}")
            table[code] = region
    return table


def country_codes() -> frozenset[str]:
    """Every destination the mall ships to (upper case), e.g. for an address form's choices."""
    return frozenset(_region_by_country())


def normalise_country(code: object) -> str:
    """The upper-case ISO code for `code` ("uy", " UY " → "UY"), or `UnknownCountry`.

    Post codes are stored lower case (they are host names) and address forms send upper
    case; every comparison goes through here so that the two never disagree."""
    if not isinstance(code, str):
        raise UnknownCountry(code)
    upper = code.strip().upper()
    if upper not in _region_by_country():
        raise UnknownCountry(code)
    return upper


def region_of(country: str) -> Region:
    return _region_by_country()[normalise_country(country)]


def zone_for(origin_country: str, destination_country: str) -> Zone:
    """The zone of mail sent from `origin_country` (the post's country) to
    `destination_country` (the buyer's address); either may be in any letter case."""
    origin = normalise_country(origin_country)
    destination = normalise_country(destination_country)
    if origin == destination:
        return Zone.DOMESTIC
    origin_region = region_of(origin)
    if origin_region is not Region.ANTARCTICA and origin_region is region_of(destination):
        return Zone.REGION
    return Zone.WORLD
