"""Exchange rates: ECB and operator imports, the rate table, and conversion through EUR.

The conversion properties are proved against an exact reference (fractions), so they say
precisely what a buyer sees:

* `convert` is the exact value rounded half-up once at the target's minor unit.
* A round trip S → T → S is off by at most ⌊(1 + k) / 2⌋ minor units of S, where k is the
  worth of one minor unit of T in minor units of S. So it is exact when T's minor unit is
  worth less than S's (EUR → JPY → EUR), within one unit when k < 3 (JPY → EUR → JPY at
  100–300 yen per euro, USD → EUR → USD), and correspondingly coarser otherwise (one euro
  cent is ~0.46 UYU, so UYU → EUR → UYU may be 23 centésimos off).
* A cart total is the sum of its rounded lines (exact by construction); it differs from the
  exact converted sum by at most half a minor unit per line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mall.columns import utcnow
from mall.extensions import db
from mall.money import Money, precision
from mall.rates.conversion import (
    DEFAULT_MAX_AGE_DAYS,
    RateEntry,
    RateTable,
    UnknownRate,
    available_currencies,
    configured_max_age_days,
    configured_spread_bps,
    load_rate_table,
)
from mall.rates.ecb import parse_ecb
from mall.rates.models import ExchangeRate, RateSource
from mall.rates.operator import parse_operator_csv
from mall.rates.records import RatesFormatError
from mall.rates.services import (
    RatesSourceError,
    import_demo_rates,
    import_ecb,
    import_operator_csv,
    read_source,
    set_operator_rate,
)

DATA = Path(__file__).parent.parent / "data"
ECB_CURRENCIES = 29  # what the ECB publishes since BGN joined the euro (2026)


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def half_up(value: Fraction) -> int:
    """Reference rounding: nearest integer, ties away from zero."""
    rounded = int(abs(value) + Fraction(1, 2))
    return rounded if value >= 0 else -rounded


def exact_minor(table: RateTable, money: Money, target: str, spread_bps: int = 0) -> Fraction:
    """The unrounded converted amount, in minor units of `target`."""
    value = Fraction(money.amount, 10 ** precision(money.currency))
    value *= Fraction(table.per_eur(target)) / Fraction(table.per_eur(money.currency))
    value *= Fraction(10_000 + spread_bps, 10_000)
    return value * 10 ** precision(target)


# --- ECB XML ------------------------------------------------------------------------------


def test_parses_the_daily_file() -> None:
    parsed = parse_ecb(read("eurofxref-daily.xml"))
    assert [day.rate_date for day in parsed.days] == [date(2026, 11, 30)]
    rates = {record.currency: record.per_eur for record in parsed.latest.rates}
    assert len(rates) == ECB_CURRENCIES
    assert rates["USD"] == Decimal("1.1587")
    assert str(rates["GBP"]) == "0.87613"  # exactly the published digits
    assert rates["IDR"] == Decimal("19284.72")
    assert "EUR" not in rates
    assert parsed.skipped == ()


def test_parses_the_90_day_history_newest_first() -> None:
    parsed = parse_ecb(read("eurofxref-hist-90d.xml"))
    dates = [day.rate_date for day in parsed.days]
    assert len(dates) == 65
    assert dates == sorted(dates, reverse=True)
    assert (dates[0], dates[-1]) == (date(2026, 11, 27), date(2026, 8, 31))
    assert all(len(day.rates) == ECB_CURRENCIES for day in parsed.days)
    assert len(parsed.records()) == 65 * ECB_CURRENCIES
    assert all(date.weekday() < 5 for date in dates)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("eurofxref-truncated.xml", "malformed or truncated XML"),
        ("eurofxref-missing-cube.xml", "Cube element holding the rates is missing"),
        ("eurofxref-negative-rate.xml", "GBP: rate '-0.87613' must be positive"),
        ("eurofxref-doctype.xml", "DOCTYPE and ENTITY declarations are refused"),
    ],
)
def test_malformed_files_are_refused_with_a_reason(name: str, reason: str) -> None:
    with pytest.raises(RatesFormatError, match=reason):
        parse_ecb(read(name))


ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
    'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">'
    "<gesmes:subject>Reference rates</gesmes:subject><Cube>{}</Cube></gesmes:Envelope>"
)


def ecb(body: str) -> bytes:
    return ENVELOPE.format(body).encode()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n", "the file is empty"),
        ("<x/>".encode("utf-16"), "not UTF-8"),
        (b"<rates><Cube/></rates>", "not an ECB reference rates file"),
        (ecb(""), "no dated Cube"),
        (ecb("<Cube time='2026-11-30'/>"), "2026-11-30: no rates"),
        (ecb("<Cube><Cube currency='USD' rate='1.1'/></Cube>"), "no time attribute"),
        (ecb("<Cube time='30.11.2026'><Cube currency='USD' rate='1'/></Cube>"), "not a date"),
        (ecb("<Cube time='2026-11-30'><Cube currency='USD'/></Cube>"), "lacks its currency or"),
        (ecb("<Cube time='2026-11-30'><Cube currency='USD' rate='1,1'/></Cube>"), "not a decimal"),
        (ecb("<Cube time='2026-11-30'><Cube currency='USD' rate='NaN'/></Cube>"), "not a decimal"),
        (ecb("<Cube time='2026-11-30'><Cube currency='USD' rate='0'/></Cube>"), "positive"),
        (ecb("<Cube time='2026-11-30'><Cube currency='usd' rate='1'/></Cube>"), "not a currency"),
        (ecb("<Cube time='2026-11-30'><Cube currency='EUR' rate='1'/></Cube>"), "not a currency"),
        (
            ecb("<Cube time='2026-11-30'><Cube currency='USD' rate='1.123456789012'/></Cube>"),
            "more than 10 decimals",
        ),
        (
            ecb(
                "<Cube time='2026-11-30'><Cube currency='USD' rate='1.1'/>"
                "<Cube currency='USD' rate='1.2'/></Cube>"
            ),
            "appears twice",
        ),
        (
            ecb(
                "<Cube time='2026-11-30'><Cube currency='USD' rate='1.1'/></Cube>"
                "<Cube time='2026-11-30'><Cube currency='JPY' rate='181'/></Cube>"
            ),
            "the date appears twice",
        ),
        (ecb("<Cube time='2026-11-30'>").replace(b"</Cube></Cube>", b"</Cube>"), "truncated"),
        (
            b'<?xml version="1.0"?>\n<!ENTITY x SYSTEM "file:///etc/passwd">' + ecb(""),
            "DOCTYPE and ENTITY",
        ),
        (b"<!doctype x [<!ENTITY a 'b'>]><x>&a;</x>", "DOCTYPE and ENTITY"),
    ],
)
def test_bad_ecb_input_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(RatesFormatError, match=reason):
        parse_ecb(data)


def test_codes_cldr_does_not_know_are_skipped_not_fatal() -> None:
    parsed = parse_ecb(
        ecb(
            "<Cube time='2026-11-30'><Cube currency='USD' rate='1.1'/>"
            "<Cube currency='QQQ' rate='2'/></Cube>"
        )
    )
    assert [record.currency for record in parsed.records()] == ["USD"]
    assert parsed.skipped == ("QQQ",)


# --- operator CSV -------------------------------------------------------------------------


def test_parses_the_operator_csv() -> None:
    records = parse_operator_csv(read("operator-rates.csv").decode())
    assert {record.currency: record.per_eur for record in records} == {
        "UYU": Decimal("46.21"),
        "KHR": Decimal("4668"),
        "UGX": Decimal("4193.5"),
        "BWP": Decimal("15.52"),
        "TZS": Decimal("2841"),
        "KWD": Decimal("0.3557"),
    }
    assert {record.rate_date for record in records} == {date(2026, 11, 30)}


def test_operator_csv_reports_every_bad_line_at_once() -> None:
    with pytest.raises(RatesFormatError) as caught:
        parse_operator_csv(read("operator-rates-bad.csv").decode())
    assert caught.value.reason.split("; ") == [
        "line 3: unknown currency XYZ",
        "line 4: rate '-4668' must be positive",
        "line 5: '30/11/2026' is not a date (YYYY-MM-DD)",
        "line 6: rate 'abc' is not a decimal number",
        "line 7: UYU on 2026-11-30 already given on line 2",
        "line 8: expected currency,rate_per_eur,date, got 2 fields",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no rates"),
        ("currency,rate_per_eur,date\n", "no rates"),
        ("EUR,1,2026-11-30\n", "EUR is the base"),
        ("uyu,46,2026-11-30\n", "not an ISO 4217"),
        ("UYU,46,2026-11-31\n", "not a date"),
        ("UYU,1e3,2026-11-30\n", "not a decimal"),
    ],
)
def test_operator_csv_refusals(text: str, reason: str) -> None:
    with pytest.raises(RatesFormatError, match=reason):
        parse_operator_csv(text)


def test_operator_csv_header_is_optional_and_bom_tolerated() -> None:
    records = parse_operator_csv("\ufeffUYU, 46.08 ,2026-11-27\n\n# note\nKHR,4652,2026-11-27\n")
    assert [(record.currency, record.per_eur) for record in records] == [
        ("UYU", Decimal("46.08")),
        ("KHR", Decimal("4652")),
    ]


# --- rate table and conversion ------------------------------------------------------------

TABLE = RateTable.from_rates(
    {
        "USD": "1.1562",
        "JPY": "180.86",
        "GBP": "0.87613",
        "KRW": "1698.25",
        "UYU": "46.08",
        "KHR": "4652",
        "KWD": "0.3551",
        "UGX": "4185",
    },
    date(2026, 11, 27),
)


@pytest.mark.parametrize(
    ("amount", "source", "target", "spread", "expected"),
    [
        (1500, "UYU", "EUR", 0, 33),  # 0.3255… €
        (1500, "UYU", "JPY", 0, 59),  # 58.87… ¥
        (1500, "UYU", "KWD", 0, 116),  # 0.11559… KD, three decimals
        (1500, "UYU", "KHR", 0, 151432),  # 1514.3229… ៛
        (1000, "JPY", "EUR", 0, 553),  # 5.5291… €
        (100000, "KHR", "UYU", 0, 991),  # 9.9054… $U
        (1000, "KWD", "JPY", 0, 509),  # 509.32… ¥
        (1000, "JPY", "EUR", 150, 561),  # 5.5291… × 1.015 = 5.6120… €
        (1500, "UYU", "EUR", 150, 33),  # 0.3304… €
        (1000, "EUR", "UGX", 0, 41850),  # no minor unit in UGX
    ],
)
def test_conversion_examples(
    amount: int, source: str, target: str, spread: int, expected: int
) -> None:
    assert TABLE.convert(Money(amount, source), target, spread) == Money(expected, target)


def test_conversion_rounds_ties_half_up() -> None:
    table = RateTable.from_rates({"USD": "1.5"}, date(2026, 11, 27))
    assert table.convert(Money(1, "EUR"), "USD") == Money(2, "USD")  # 0.015 → 0.02
    assert table.convert(Money(-1, "EUR"), "USD") == Money(-2, "USD")
    assert table.convert(Money(3, "EUR"), "USD") == Money(5, "USD")  # 0.045 → 0.05


def test_conversion_does_not_round_the_cross_rate_first() -> None:
    """Rounding UYU→JPY to a 4-decimal cross rate and then the amount would give 3 925 ¥."""
    assert TABLE.rate("UYU", "JPY").quantize(Decimal("0.0001")) == Decimal("3.9249")
    assert TABLE.convert(Money(100000, "UYU"), "JPY") == Money(3925, "JPY")
    assert TABLE.convert(Money(1000000, "UYU"), "JPY") == Money(39249, "JPY")


def test_same_currency_is_identity_even_with_a_spread() -> None:
    money = Money(1234, "UYU")
    assert TABLE.convert(money, "UYU", 250) is money


def test_unknown_rate_names_the_currency() -> None:
    with pytest.raises(UnknownRate, match="BWP") as caught:
        TABLE.convert(Money(100, "BWP"), "EUR")
    assert isinstance(caught.value, LookupError)
    assert caught.value.currency == "BWP"
    with pytest.raises(UnknownRate, match="TZS"):
        TABLE.convert(Money(100, "EUR"), "TZS")
    assert not TABLE.has("BWP")
    assert TABLE.has("EUR")
    assert TABLE.has("KHR")


def test_rate_between_two_currencies() -> None:
    assert TABLE.rate("EUR", "USD") == Decimal("1.1562")
    assert TABLE.rate("USD", "USD") == 1
    assert TABLE.rate("JPY", "EUR") == Decimal(1) / Decimal("180.86")
    product = TABLE.rate("UYU", "KHR") * TABLE.rate("KHR", "UYU")
    assert abs(product - 1) < Decimal("1e-25")


@pytest.mark.parametrize("spread", [-1, 10_000, 1.5, True, "50"])
def test_spread_must_be_whole_basis_points_below_100_percent(spread: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        TABLE.convert(Money(100, "EUR"), "USD", spread)  # type: ignore[arg-type]


def test_table_is_immutable_and_refuses_bad_entries() -> None:
    with pytest.raises(TypeError):
        TABLE.entries["USD"] = TABLE.entries["JPY"]  # type: ignore[index]
    with pytest.raises(TypeError):
        RateTable.from_rates({"USD": 1.1562}, date(2026, 11, 27))  # type: ignore[dict-item]
    for bad in ({"USD": "0"}, {"USD": "-1"}, {"EUR": "1"}):
        with pytest.raises(ValueError, match="rate"):
            RateTable.from_rates(bad, date(2026, 11, 27))


def test_available_currencies_are_those_with_a_rate() -> None:
    expected = ["EUR", "GBP", "JPY", "KHR", "KRW", "KWD", "UGX", "USD", "UYU"]
    assert available_currencies(TABLE) == expected
    assert available_currencies(RateTable()) == ["EUR"]


def test_staleness() -> None:
    table = RateTable.from_entries(
        [
            RateEntry("USD", Decimal("1.1562"), date(2026, 11, 27), RateSource.ECB),
            RateEntry("UYU", Decimal("46.08"), date(2026, 11, 20), RateSource.OPERATOR),
        ]
    )
    assert table.as_of == date(2026, 11, 27)
    assert table.oldest == date(2026, 11, 20)
    tuesday = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert table.age_days("USD", tuesday) == 4
    assert table.stale_currencies(tuesday, 4) == ["UYU"]
    assert table.is_stale(tuesday, 4)
    assert not table.is_stale(date(2026, 11, 24), 4)
    assert table.is_stale(date(2026, 11, 25), 4)
    assert RateTable().is_stale(tuesday, 4)  # no rates at all is the stalest of all
    with pytest.raises(ValueError, match="naive"):
        table.is_stale(datetime(2026, 12, 1), 4)


def test_settings_defaults_and_validation() -> None:
    assert configured_spread_bps({}) == 0
    assert configured_max_age_days({}) == 4
    assert configured_spread_bps({"FX_SPREAD_BPS": 75}) == 75
    assert configured_max_age_days({"RATES_MAX_AGE_DAYS": 7}) == 7
    with pytest.raises(ValueError, match="basis points"):
        configured_spread_bps({"FX_SPREAD_BPS": -5})
    with pytest.raises(ValueError, match="RATES_MAX_AGE_DAYS"):
        configured_max_age_days({"RATES_MAX_AGE_DAYS": "4"})


# --- properties ---------------------------------------------------------------------------

ALL = ["EUR", "USD", "JPY", "GBP", "KRW", "UYU", "KHR", "KWD", "UGX"]

#: Any rate an importer accepts: positive, at most 10 decimals.
any_rate = st.decimals(
    min_value=Decimal("0.0000000001"), max_value=Decimal("999999999"), places=10
).filter(lambda rate: rate > 0)
#: Rates per euro in the range real currencies have (KWD 0.35 … IDR 19 000, VND 30 000).
real_rate = st.decimals(min_value=Decimal("0.25"), max_value=Decimal("50000"), places=4)
amounts = st.integers(min_value=-(10**12), max_value=10**12)
spreads = st.integers(min_value=0, max_value=500)


@st.composite
def tables(draw: st.DrawFn, rates: st.SearchStrategy[Decimal] = real_rate) -> RateTable:
    values = {code: draw(rates) for code in ALL if code != "EUR"}
    return RateTable.from_rates(values, date(2026, 11, 27))


@given(tables(any_rate), amounts, st.sampled_from(ALL), st.sampled_from(ALL), spreads)
def test_convert_is_the_exact_value_rounded_once(
    table: RateTable, amount: int, source: str, target: str, spread: int
) -> None:
    assume(source != target)
    money = Money(amount, source)
    expected = half_up(exact_minor(table, money, target, spread))
    assert table.convert(money, target, spread) == Money(expected, target)


@given(tables(), amounts, st.sampled_from(ALL), st.sampled_from(ALL))
def test_round_trip_bound(table: RateTable, amount: int, source: str, target: str) -> None:
    """|S → T → S − original| ≤ ⌊(1 + k)/2⌋ minor units, k = one T minor unit in S units."""
    money = Money(amount, source)
    back = table.convert(table.convert(money, target), source)
    k = exact_minor(table, Money(1, target), source)
    assert abs(back.amount - amount) <= int((1 + k) / 2)
    if k < 1:
        assert back == money  # the target is finer: nothing is lost
    if k < 3:
        assert abs(back.amount - amount) <= 1


@given(st.decimals(min_value=Decimal(100), max_value=Decimal("299.99"), places=2), amounts)
def test_yen_through_euro_and_back_is_within_one_yen(per_eur: Decimal, amount: int) -> None:
    table = RateTable.from_rates({"JPY": per_eur}, date(2026, 11, 27))
    yen = Money(amount, "JPY")
    assert abs(table.convert(table.convert(yen, "EUR"), "JPY").amount - amount) <= 1
    euros = Money(amount, "EUR")
    assert table.convert(table.convert(euros, "JPY"), "EUR") == euros


@given(
    tables(),
    st.lists(st.builds(Money, st.integers(0, 10**9), st.sampled_from(ALL)), max_size=30),
    st.sampled_from(ALL),
    spreads,
)
def test_cart_total_is_the_sum_of_rounded_lines(
    table: RateTable, lines: list[Money], target: str, spread: int
) -> None:
    converted = table.convert_lines(lines, target, spread)
    assert converted.lines == tuple(table.convert(line, target, spread) for line in lines)
    assert converted.total.amount == sum(line.amount for line in converted.lines)
    exact_total = sum(
        (exact_minor(table, line, target, spread) if line.currency != target else line.amount)
        for line in lines
    )
    n = len(lines)
    assert abs(converted.total.amount - exact_total) <= Fraction(n, 2)
    assert abs(converted.total.amount - half_up(Fraction(exact_total))) <= (n + 1) // 2


@given(tables(), st.integers(0, 10**12), st.sampled_from(ALL), st.sampled_from(ALL), spreads)
def test_spread_never_favours_the_buyer(
    table: RateTable, amount: int, source: str, target: str, spread: int
) -> None:
    money = Money(amount, source)
    assert table.convert(money, target, spread) >= table.convert(money, target)


# --- storing and loading (database) -------------------------------------------------------


def stored_rows() -> list[tuple[str, str, date, str]]:
    rows = db.session.execute(
        select(
            ExchangeRate.source,
            ExchangeRate.currency,
            ExchangeRate.rate_date,
            ExchangeRate.per_eur,
        ).order_by(ExchangeRate.source, ExchangeRate.currency, ExchangeRate.rate_date)
    )
    return [(source.value, currency, day, str(rate)) for source, currency, day, rate in rows]


def test_import_stores_exact_rates_with_date_and_source() -> None:
    result = import_ecb(db.session, read("eurofxref-daily.xml"))
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (ECB_CURRENCIES, 0, 0)
    gbp = db.session.scalars(select(ExchangeRate).filter_by(currency="GBP")).one()
    assert gbp.per_eur == Decimal("0.87613")
    assert str(gbp.per_eur) == "0.87613"
    assert gbp.source is RateSource.ECB
    assert gbp.rate_date == date(2026, 11, 30)
    assert gbp.imported_at.tzinfo is not None


def test_history_is_kept_and_the_latest_date_wins(count_queries: Callable[[], Any]) -> None:
    import_ecb(db.session, read("eurofxref-hist-90d.xml"))
    import_ecb(db.session, read("eurofxref-daily.xml"))
    db.session.commit()
    assert db.session.scalar(select(func.count(ExchangeRate.id))) == 66 * ECB_CURRENCIES
    with count_queries() as queries:
        table = load_rate_table(db.session)
    assert len(queries) == 1
    assert table.as_of == table.oldest == date(2026, 11, 30)
    assert table.per_eur("USD") == Decimal("1.1587")
    assert table.entry("JPY").source is RateSource.ECB
    assert len(table.entries) == ECB_CURRENCIES


def test_reimport_changes_nothing_and_corrections_update() -> None:
    import_ecb(db.session, read("eurofxref-daily.xml"))
    db.session.commit()
    before = stored_rows()
    again = import_ecb(db.session, read("eurofxref-daily.xml"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, ECB_CURRENCIES)
    assert stored_rows() == before
    corrected = read("eurofxref-daily.xml").replace(b"rate='1.1587'", b"rate='1.1590'")
    result = import_ecb(db.session, corrected)
    db.session.commit()
    assert (result.created, result.updated) == (0, 1)
    assert load_rate_table(db.session).per_eur("USD") == Decimal("1.1590")


@pytest.mark.parametrize(
    "name",
    [
        "eurofxref-truncated.xml",
        "eurofxref-missing-cube.xml",
        "eurofxref-negative-rate.xml",
        "eurofxref-doctype.xml",
    ],
)
def test_a_bad_file_keeps_the_old_rates(name: str) -> None:
    import_ecb(db.session, read("eurofxref-daily.xml"))
    db.session.commit()
    before = stored_rows()
    with pytest.raises(RatesFormatError):
        import_ecb(db.session, read(name))
    db.session.rollback()
    assert stored_rows() == before


def test_a_bad_operator_csv_imports_nothing() -> None:
    import_operator_csv(db.session, read("operator-rates.csv"))
    db.session.commit()
    before = stored_rows()
    with pytest.raises(RatesFormatError, match="line 3"):
        import_operator_csv(db.session, read("operator-rates-bad.csv"))
    db.session.rollback()
    assert stored_rows() == before
    with pytest.raises(RatesFormatError, match="not UTF-8"):
        import_operator_csv(db.session, "UYU,46,2026-11-30".encode("utf-16"))


def test_operator_rates_fill_the_gaps_and_ecb_wins_on_the_same_date() -> None:
    import_ecb(db.session, read("eurofxref-daily.xml"))  # 2026-11-30
    import_operator_csv(db.session, read("operator-rates.csv"))  # 2026-11-30
    set_operator_rate(db.session, "USD", "1.2000", date(2026, 11, 30))
    db.session.commit()
    table = load_rate_table(db.session)
    assert table.entry("UYU").source is RateSource.OPERATOR
    assert table.per_eur("UYU") == Decimal("46.21")
    assert table.entry("USD").source is RateSource.ECB  # same date: the ECB wins
    assert table.per_eur("USD") == Decimal("1.1587")

    set_operator_rate(db.session, "USD", Decimal("1.2100"), date(2026, 12, 1))
    assert load_rate_table(db.session).per_eur("USD") == Decimal("1.2100")  # newer date
    import_ecb(db.session, read("eurofxref-daily.xml").replace(b"2026-11-30", b"2026-12-02"))
    assert load_rate_table(db.session).entry("USD").source is RateSource.ECB  # newer again


def test_set_operator_rate_validates_like_the_csv() -> None:
    with pytest.raises(TypeError):
        set_operator_rate(db.session, "UYU", 46.08, date(2026, 11, 27))  # type: ignore[arg-type]
    with pytest.raises(RatesFormatError, match="unknown currency"):
        set_operator_rate(db.session, "XYZ", "12", date(2026, 11, 27))
    with pytest.raises(RatesFormatError, match="positive"):
        set_operator_rate(db.session, "UYU", Decimal("-46"), date(2026, 11, 27))
    assert stored_rows() == []


def test_demo_rates() -> None:
    import_demo_rates(db.session, on=date(2026, 12, 5))
    db.session.commit()
    table = load_rate_table(db.session)
    assert table.as_of == date(2026, 12, 5)
    for currency in (
        "USD",
        "JPY",
        "GBP",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "AUD",
        "CAD",
        "CNY",
        "HKD",
        "INR",
        "KRW",
        "MXN",
        "BRL",
        "ZAR",
        "SGD",
        "NZD",
    ):
        assert table.entry(currency).source is RateSource.ECB
    for currency in ("UYU", "KHR", "UGX", "BWP", "TZS", "KWD", "XDR"):
        assert table.entry(currency).source is RateSource.OPERATOR
    assert "BWP" in available_currencies(table)
    assert "XDR" not in available_currencies(table)  # customs' unit of account: no one pays in it
    assert table.convert(Money(1500, "UYU"), "KHR") == Money(151432, "KHR")
    import_demo_rates(db.session, on=date(2026, 12, 5))  # seeding twice is harmless
    assert db.session.scalar(select(func.count(ExchangeRate.id))) == ECB_CURRENCIES + 7


def test_a_demo_built_today_has_todays_rates_and_no_stale_warning() -> None:
    """The shipped snapshot is a sample: a demo built on any day starts with current rates."""
    import_demo_rates(db.session)
    db.session.commit()
    table = load_rate_table(db.session)
    assert table.as_of == utcnow().date()
    assert not table.is_stale(utcnow(), DEFAULT_MAX_AGE_DAYS)


# --- sources and the command line ---------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "http://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml",
        "file:///etc/passwd",
        "ftp://example.org/rates.xml",
    ],
)
def test_only_https_urls_are_fetched(source: str) -> None:
    with pytest.raises(RatesSourceError, match="only https"):
        read_source(source)


def test_missing_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(RatesSourceError, match="cannot read"):
        read_source(str(tmp_path / "missing.xml"))
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 101)
    with pytest.raises(RatesSourceError, match="larger than 100 bytes"):
        read_source(str(big), max_bytes=100)


def test_cli_imports_and_shows(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mall", "rates", "import", str(DATA / "eurofxref-daily.xml")])
    assert result.exit_code == 0, result.output
    assert "ecb: 29 currencies, 2026-11-30: 29 new, 0 corrected, 0 unchanged" in result.output
    result = runner.invoke(args=["mall", "rates", "import-csv", str(DATA / "operator-rates.csv")])
    assert result.exit_code == 0, result.output
    assert "operator: 6 currencies" in result.output
    today = utcnow().date()
    result = runner.invoke(args=["mall", "rates", "set", "bwp", "15.61", "--date", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(ExchangeRate.id))) == ECB_CURRENCIES + 6 + 1

    result = runner.invoke(args=["mall", "rates", "show"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert lines["BWP"].split()[1:4] == ["15.61", "2026-12-01", "operator"]
    old = (today - date(2026, 11, 30)).days
    if old > 4:
        assert f"STALE ({old} days old)" in lines["USD"]
    assert lines["USD"].split()[1:4] == ["1.1587", "2026-11-30", "ecb"]


def test_cli_warns_about_stale_rates(app: Flask) -> None:
    set_operator_rate(db.session, "UYU", "46.08", utcnow().date() - timedelta(days=10))
    set_operator_rate(db.session, "KHR", "4652", utcnow().date())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mall", "rates", "show"])
    assert result.exit_code == 0
    assert "STALE (10 days old)" in result.output
    assert "WARNING: STALE rates (older than 4 days) for UYU." in result.output
    app.config["RATES_MAX_AGE_DAYS"] = 14
    try:
        result = app.test_cli_runner().invoke(args=["mall", "rates", "show"])
    finally:
        del app.config["RATES_MAX_AGE_DAYS"]
    assert "STALE" not in result.output


def test_cli_refuses_a_bad_file_and_keeps_the_rates(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["mall", "rates", "import", str(DATA / "eurofxref-daily.xml")])
    before = stored_rows()
    result = runner.invoke(
        args=["mall", "rates", "import", str(DATA / "eurofxref-negative-rate.xml")]
    )
    assert result.exit_code == 1
    assert "must be positive. Stored rates are unchanged." in result.output
    result = runner.invoke(args=["mall", "rates", "import", "http://example.org/rates.xml"])
    assert result.exit_code == 1
    assert "only https:// URLs are fetched" in result.output
    result = runner.invoke(
        args=["mall", "rates", "import-csv", str(DATA / "operator-rates-bad.csv")]
    )
    assert result.exit_code == 1
    assert "line 3: unknown currency XYZ" in result.output
    assert stored_rows() == before


def test_cli_show_without_rates(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["mall", "rates", "show"])
    assert result.exit_code == 0
    assert "No exchange rates" in result.output
