"""The sales figures as one CSV file: the numbers behind the charts, for a spreadsheet.

One row per figure, the `section` column saying which table it belongs to (`year`,
`country`, `issue`), so that one download holds them all and a filter splits them.
Columns:

- `section`: `year`, `country` or `issue`;
- `key`: the year; the country's ISO code, or `other` for the rest; the issue's slug;
- `label`: the year; the country's name; the issue's title;
- `orders`: paid orders (years and countries);
- `items`: items sold (issues);
- `amount`: goods sold, a plain decimal with a dot (`1234.50`), never localised;
- `currency`: the post's currency (ISO 4217);
- `ratio`: a fraction (`0.1250` is 12.5 %): growth on the year before (empty for the first
  year and after a year without sales), or a country's share of all sales.

Numbers are machine-readable (no thousands separators, a dot for decimals) so any
spreadsheet reads them alike; names are in the reader's language. Text cells that a
spreadsheet would take for a formula are prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io

from babel import Locale
from flask_babel import gettext as _

from mall.sales.charts import country_label
from mall.sales.figures import SalesFigures

COLUMNS = ("section", "key", "label", "orders", "items", "amount", "currency", "ratio")
#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _title(title: dict[str, str], language: str) -> str:
    for code in (language, "en"):
        if title.get(code):
            return title[code]
    return next(iter(title.values()), "") or _("No longer in the catalogue")


def sales_csv(figures: SalesFigures, locale: Locale | str) -> str:
    """The CSV text of `figures` (header first, `\\r\\n` line ends as RFC 4180 has them)."""
    language = Locale.parse(locale).language
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for year in figures.years:
        writer.writerow([
            "year", year.year, year.year, year.orders, "", year.amount.to_decimal(),
            figures.currency, "" if year.growth is None else year.growth,
        ])
    for row in figures.countries:
        writer.writerow([
            "country", row.country or "other", _text(country_label(row, locale)), row.orders,
            "", row.amount.to_decimal(), figures.currency, row.share,
        ])
    for issue in figures.issues:
        writer.writerow([
            "issue", issue.slug or "", _text(_title(issue.title, language)), "", issue.quantity,
            issue.amount.to_decimal(), figures.currency, "",
        ])
    return out.getvalue()
