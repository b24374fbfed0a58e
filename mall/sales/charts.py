"""Sales charts drawn on the server as inline SVG: no script, no CDN, readable by a screen
reader and printable.

Each chart is a `role="img"` SVG named by its `<title>` and summarised by its `<desc>`;
every bar carries its own `<title>` (a tooltip, and what assistive technology reads) and a
visible label; every number is formatted by Babel in the reader's `locale`. The output is
`Markup` to place in a template as it is (`{{ charts.years }}`); the page shows the same
figures in a table beside it (`sales/_figures.html`), so the chart is never the only way in.
Colours are attributes (the chart reads right without the stylesheet) and classes (the
stylesheet may restyle them)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel import Locale
from babel.numbers import format_compact_decimal, format_percent
from flask_babel import gettext as _
from markupsafe import Markup, escape

from mall.i18n import country_name
from mall.money import format_money
from mall.sales.figures import CountrySales, SalesFigures, YearSales

BAR = "#2f6690"
REST = "#8a8f98"
GRID = "#d5d8dc"
INK = "#1f2328"

#: Drawing units of the year chart (the SVG scales to its container by its viewBox).
YEAR_WIDTH, YEAR_HEIGHT = 640, 300
YEAR_LEFT, YEAR_RIGHT, YEAR_TOP, YEAR_BOTTOM = 64, 16, 28, 36
#: The country chart: a row per country.
ROW, COUNTRY_WIDTH, COUNTRY_LABEL, COUNTRY_VALUE, COUNTRY_PAD = 30, 640, 170, 190, 8


@dataclass(frozen=True, slots=True)
class SalesCharts:
    """Both charts, and the reader's formatting for the tables beside them (the template
    `sales/_figures.html` calls `percent`, `growth` and `country`)."""

    years: Markup
    countries: Markup
    locale: Locale | str

    def percent(self, value: Decimal) -> str:
        return percent(value, self.locale)

    def growth(self, value: Decimal | None) -> str:
        return "" if value is None else percent(value, self.locale, signed=True)

    def country(self, row: CountrySales) -> str:
        return country_label(row, self.locale)


def draw_charts(figures: SalesFigures, locale: Locale | str) -> SalesCharts:
    """Both charts of `figures`, for a reader of `locale` (in a request:
    `mall.i18n.formatting_locale()`)."""
    return SalesCharts(
        years=year_chart(figures, locale),
        countries=country_chart(figures, locale),
        locale=locale,
    )


def percent(value: Decimal, locale: Locale | str, *, signed: bool = False) -> str:
    """A fraction as a percentage to one decimal, in the reader's locale (+12.5%)."""
    text = format_percent(value, "#,##0.0%", locale=locale)
    return f"+{text}" if signed and value > 0 else text


def country_label(row: CountrySales, locale: Locale | str) -> str:
    if row.country is None:
        return _("Other countries (%(count)s)", count=row.countries)
    return country_name(row.country, Locale.parse(locale).language)


def _nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value`: the top of the value axis."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (value.adjusted())
    for factor in (1, 2, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop ends at 10 × magnitude


def _svg(width: int, height: int, ident: str, title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sales-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="system-ui, sans-serif" font-size="12" fill="{INK}">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text is escaped


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal
    #: The bar's tooltip and what a screen reader says of it.
    text: str


def bar_chart(bars: list[Bar], *, ident: str, title: str, desc: str, empty: str,
              locale: Locale | str) -> Markup:
    """Vertical bars from a zero value axis with four gridlines, each bar labelled below
    and its value above."""
    if not bars:
        return _svg(YEAR_WIDTH, 60, ident, title, empty, [
            f'<text x="{YEAR_WIDTH // 2}" y="34" text-anchor="middle">{escape(empty)}</text>'
        ])
    top = _nice_ceiling(max(bar.value for bar in bars))
    plot_w = YEAR_WIDTH - YEAR_LEFT - YEAR_RIGHT
    plot_h = YEAR_HEIGHT - YEAR_TOP - YEAR_BOTTOM
    base = YEAR_TOP + plot_h
    body = []
    for step in range(5):  # gridlines at 0, ¼, ½, ¾ and the top
        value = top * step / 4
        y = base - plot_h * step / 4
        body.append(
            f'<g class="grid"><line x1="{YEAR_LEFT}" x2="{YEAR_WIDTH - YEAR_RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{YEAR_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_compact(value, locale))}"
            f"</text></g>"
        )
    slot = plot_w / len(bars)
    width = min(slot * 0.7, 56)
    for i, bar in enumerate(bars):
        height = float(max(bar.value, Decimal(0)) / top) * plot_h
        x = YEAR_LEFT + slot * i + (slot - width) / 2
        centre = x + width / 2
        body.append(
            f'<g class="bar"><title>{escape(bar.text)}</title>'
            f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" fill="{BAR}"/>'
            f'<text class="value" x="{centre:.1f}" y="{base - height - 6:.1f}" '
            f'text-anchor="middle">'
            f"{escape(_compact(bar.value, locale))}"
            f"</text>"
            f'<text class="label" x="{centre:.1f}" y="{base + 18}" text-anchor="middle">'
            f"{escape(bar.label)}</text></g>"
        )
    return _svg(YEAR_WIDTH, YEAR_HEIGHT, ident, title, desc, body)


def year_chart(figures: SalesFigures, locale: Locale | str, ident: str = "sales-years") -> Markup:
    """A bar per year, the value axis from zero, each bar labelled with its year and amount."""
    years = figures.years
    title = _("Sales per year, in %(currency)s", currency=figures.currency)
    desc = ""
    if years:
        best = max(years, key=lambda y: (y.amount.amount, -y.year))
        desc = _(
            "Bar chart of sales per year from %(first)s to %(last)s. Highest: %(year)s, "
            "%(amount)s. Total: %(total)s.",
            first=years[0].year, last=years[-1].year, year=best.year,
            amount=format_money(best.amount, locale), total=format_money(figures.total, locale),
        )
    bars = [Bar(str(year.year), year.amount.to_decimal(), _year_text(year, locale))
            for year in years]
    return bar_chart(bars, ident=ident, title=title, desc=desc, empty=_("No sales yet."),
                     locale=locale)


def _compact(value: Decimal, locale: Locale | str) -> str:
    """A short number for a bar or an axis (12K, 1.5M), in the reader's locale."""
    return format_compact_decimal(value, locale=locale, fraction_digits=1)


def _year_text(year: YearSales, locale: Locale | str) -> str:
    amount = format_money(year.amount, locale)
    if year.growth is None:
        return _("%(year)s: %(amount)s", year=year.year, amount=amount)
    return _(
        "%(year)s: %(amount)s (%(growth)s on the year before)",
        year=year.year, amount=amount, growth=percent(year.growth, locale, signed=True),
    )


def country_chart(
    figures: SalesFigures, locale: Locale | str, ident: str = "sales-countries"
) -> Markup:
    """A horizontal bar per main buyer country and one for the rest, longest first, each
    labelled with the country's name, the amount and its share of all sales."""
    rows = figures.countries
    title = _("Sales by buyer country, in %(currency)s", currency=figures.currency)
    if not rows:
        return _svg(COUNTRY_WIDTH, 60, ident, title, _("No sales yet."), [
            f'<text x="{COUNTRY_WIDTH // 2}" y="34" text-anchor="middle">'
            f'{escape(_("No sales yet."))}</text>'
        ])
    lead = rows[0]
    desc = _(
        "Horizontal bar chart of sales by the country orders were shipped to. Largest: "
        "%(country)s, %(amount)s (%(share)s of all sales).",
        country=country_label(lead, locale), amount=format_money(lead.amount, locale),
        share=percent(lead.share, locale),
    )
    longest = max(row.amount.amount for row in rows) or 1
    plot_w = COUNTRY_WIDTH - COUNTRY_LABEL - COUNTRY_VALUE
    height = ROW * len(rows) + 2 * COUNTRY_PAD
    body = []
    for i, row in enumerate(rows):
        y = COUNTRY_PAD + ROW * i
        length = plot_w * row.amount.amount / longest
        label = country_label(row, locale)
        value = f"{format_money(row.amount, locale)} · {percent(row.share, locale)}"
        body.append(
            f'<g class="bar{" rest" if row.is_rest else ""}">'
            f"<title>{escape(label)}: {escape(value)}</title>"
            f'<text class="label" x="{COUNTRY_LABEL - 8}" y="{y + ROW / 2 + 4:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect x="{COUNTRY_LABEL}" y="{y + 5}" width="{length:.1f}" height="{ROW - 10}" '
            f'fill="{REST if row.is_rest else BAR}"/>'
            f'<text class="value" x="{COUNTRY_LABEL + length + 6:.1f}" '
            f'y="{y + ROW / 2 + 4:.1f}">{escape(value)}</text></g>'
        )
    return _svg(COUNTRY_WIDTH, height, ident, title, desc, body)
