"""`flask mall settle --period YYYY-MM`: the same settlement as the operator's button, for
cron or a person at a terminal, and written to the audit log as the button is (by the
command line). Prints one line per post's statement; commits once."""

from __future__ import annotations

import click

from mall.audit.services import Target, record
from mall.columns import utcnow
from mall.extensions import db
from mall.settlement.periods import BadPeriod, last_ended_period, parse_period, period_name
from mall.settlement.statements import settle


@click.command("settle")
@click.option("--period", "text", default="", metavar="YYYY-MM",
              help="The month to settle (default: last month).")
def settle_command(text: str) -> None:
    """Make (or recompute the drafts of) one statement per post for a month."""
    now = utcnow()
    try:
        period = parse_period(text) if text else last_ended_period(now)
        statements = settle(db.session, period, now)
        record(db.session, None, "statement.settle",
               Target("period", period_name(period), period_name(period)),
               after={"statements": len(statements)}, note="flask mall settle (command line)")
        db.session.commit()
    except BadPeriod as error:
        db.session.rollback()
        raise click.BadParameter(str(error), param_hint="--period") from None
    click.echo(f"{period_name(period)}: {len(statements)} statements")
    for statement in statements:
        click.echo(
            f"  {statement.post.code.upper()}  {statement.status.value:<8}  "
            f"gross {statement.gross.to_decimal()}  refunds {statement.refunds.to_decimal()}  "
            f"commission {statement.commission.to_decimal()}  "
            f"net {statement.net.to_decimal()} {statement.currency}"
        )
