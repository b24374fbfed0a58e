"""`flask mall rates …`: import ECB and operator rates, and show what is current.

Each command commits once, after the domain function has validated and flushed
everything; on any error it rolls back and says why, and the stored rates stay as they were."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from mall.columns import utcnow
from mall.extensions import db
from mall.rates.conversion import configured_max_age_days, load_rate_table
from mall.rates.ecb import DAILY_URL
from mall.rates.records import RatesFormatError
from mall.rates.services import (
    ImportResult,
    RatesSourceError,
    import_ecb,
    import_operator_csv,
    read_source,
    set_operator_rate,
)

rates_cli = AppGroup("rates", help="Exchange rates: ECB reference rates and the operator's own.")


@rates_cli.command("import")
@click.argument("file_or_url")
def import_command(file_or_url: str) -> None:
    """Import ECB reference rates (daily or 90-day history XML) from a file or https URL.

    \b
    Today's rates: https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml
    Last 90 days:  https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml
    """
    _run_import(lambda: import_ecb(db.session, read_source(file_or_url)), file_or_url)


@rates_cli.command("import-csv")
@click.argument("file")
def import_csv_command(file: str) -> None:
    """Import the operator's rates from CSV: currency,rate_per_eur,date (all rows or none)."""
    _run_import(lambda: import_operator_csv(db.session, read_source(file)), file)


@rates_cli.command("set")
@click.argument("currency")
@click.argument("rate_per_eur")
@click.option(
    "--date",
    "rate_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date the rate is valid for (default: today, UTC).",
)
def set_command(currency: str, rate_per_eur: str, rate_date: datetime | None) -> None:
    """Enter one operator rate: how many CURRENCY one euro buys."""
    day = rate_date.date() if rate_date is not None else utcnow().date()
    _run_import(
        lambda: set_operator_rate(db.session, currency.upper(), rate_per_eur, day), currency
    )


@rates_cli.command("show")
def show_command() -> None:
    """Print the current rate of every currency, with its date and source; warn when rates
    are older than RATES_MAX_AGE_DAYS."""
    table = load_rate_table(db.session)
    max_age = configured_max_age_days(current_app.config)
    now = utcnow()
    if not table.entries:
        click.secho(
            f"No exchange rates. Import some: flask mall rates import {DAILY_URL}",
            fg="yellow",
            err=True,
        )
        return
    click.echo(f"Rates per 1 EUR, newest {table.as_of}; stale after {max_age} days")
    click.echo(f"{'currency':<9}{'per EUR':>16}  {'date':<11} source")
    for currency in sorted(table.entries):
        entry = table.entries[currency]
        age = table.age_days(currency, now)
        flag = f"STALE ({age} days old)" if age > max_age else ""
        line = f"{currency:<9}{entry.per_eur:>16}  {entry.rate_date!s:<11} {entry.source.value:<9}"
        click.echo(f"{line} {flag}".rstrip())
    stale = table.stale_currencies(now, max_age)
    if stale:
        click.secho(
            f"WARNING: STALE rates (older than {max_age} days) for {', '.join(stale)}. "
            "Import fresh ECB rates or update the operator's table.",
            fg="red",
            err=True,
        )


def _run_import(action: Callable[[], ImportResult], what: str) -> None:
    """Run one import, commit once; on a bad file, roll back and exit with the reason."""
    try:
        result = action()
    except (RatesFormatError, RatesSourceError) as error:
        db.session.rollback()
        reason = f"{what}: {error}" if isinstance(error, RatesFormatError) else str(error)
        raise click.ClickException(f"{reason}. Stored rates are unchanged.") from None
    db.session.commit()
    click.echo(result.summary())
