"""Destination zones: a pure function of two ISO codes, over a complete country table."""

from __future__ import annotations

import pytest
from babel import Locale
from flask import Flask

from mall.shipping.zones import (
    Region,
    UnknownCountry,
    Zone,
    country_codes,
    normalise_country,
    region_of,
    zone_for,
)

#: Codes CLDR names that ISO 3166-1 has not assigned to a country (reserved, EU, UN, tests).
CLDR_ONLY = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}


@pytest.mark.parametrize("origin", ["uy", "UY", " uy "])
def test_same_country_is_domestic_in_any_letter_case(origin: str) -> None:
    assert zone_for(origin, "uy") is Zone.DOMESTIC
    assert zone_for(origin, "UY") is Zone.DOMESTIC


@pytest.mark.parametrize(
    ("origin", "destination"),
    [
        ("uy", "AR"),  # Mercosur neighbour
        ("uy", "MX"),  # Latin America reaches Central America…
        ("uy", "JM"),  # …and the Caribbean
        ("nl", "DE"),
        ("nl", "RU"),
        ("nl", "IS"),
        ("kh", "TH"),
        ("kh", "JP"),
        ("ug", "KE"),
        ("bw", "ZA"),
        ("tz", "EG"),
        ("ca", "US"),
        ("au", "NZ"),
    ],
)
def test_same_region_is_region(origin: str, destination: str) -> None:
    assert zone_for(origin, destination) is Zone.REGION


@pytest.mark.parametrize(
    ("origin", "destination"),
    [
        ("uy", "US"),  # the Americas are two M49 regions: Montevideo–New York is world
        ("us", "MX"),
        ("nl", "JP"),
        ("nl", "CY"),  # M49 is geography: Cyprus is Western Asia (documented)
        ("kh", "FR"),
        ("ug", "GB"),
        ("bw", "AU"),
        ("uy", "AQ"),  # Antarctica belongs to no region
        ("aq", "AR"),
    ],
)
def test_other_regions_are_world(origin: str, destination: str) -> None:
    assert zone_for(origin, destination) is Zone.WORLD


@pytest.mark.parametrize("code", ["XX", "USA", "U1", "UK", "EU", "ZZ", 840])
def test_unknown_destination_is_refused_with_a_message(app: Flask, code: object) -> None:
    with pytest.raises(UnknownCountry) as raised:
        zone_for("uy", code)  # type: ignore[arg-type]
    assert raised.value.code == code
    with app.test_request_context():
        assert str(raised.value.message) == f"{code} is not a country we know."


@pytest.mark.parametrize("code", ["", "  ", None])
def test_missing_destination_asks_for_one(app: Flask, code: object) -> None:
    with pytest.raises(UnknownCountry) as raised:
        zone_for("uy", code)  # type: ignore[arg-type]
    with app.test_request_context():
        assert str(raised.value.message) == "Please choose a country."


def test_unknown_origin_is_refused_too() -> None:
    with pytest.raises(UnknownCountry):
        zone_for("xx", "UY")


def test_table_covers_every_iso_country_that_cldr_names() -> None:
    """249 officially assigned ISO 3166-1 codes plus Kosovo, each with a CLDR name (so an
    address form can list them) and nothing CLDR does not know."""
    cldr = {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()}
    assert len(country_codes()) == 250
    assert country_codes() == cldr - CLDR_ONLY


def test_regions_match_m49_counts() -> None:
    """Sizes of the UN M49 regions (Taiwan in Eastern Asia, Kosovo in Southern Europe, as
    the ISO-with-M49 tables and CLDR place them)."""
    sizes = dict.fromkeys(Region, 0)
    for code in country_codes():
        sizes[region_of(code)] += 1
    assert sizes == {
        Region.AFRICA: 60,
        Region.LATIN_AMERICA: 52,
        Region.NORTHERN_AMERICA: 5,
        Region.ASIA: 51,
        Region.EUROPE: 52,
        Region.OCEANIA: 29,
        Region.ANTARCTICA: 1,
    }


def test_normalise_country(app: Flask) -> None:
    assert normalise_country(" nl ") == "NL"
    assert region_of("uy") is Region.LATIN_AMERICA
    with app.test_request_context():
        assert str(Zone.WORLD.label) == "Rest of the world"
