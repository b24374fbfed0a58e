"""`flask mall accounts …`: upkeep of buyer accounts, for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from mall.accounts.throttling import prune_attempts
from mall.columns import utcnow
from mall.extensions import db

accounts_cli = AppGroup("accounts", help="Buyer accounts: upkeep.")


@accounts_cli.command("prune-attempts")
def prune_attempts_command() -> None:
    """Forget sign-in attempts older than the throttling window (run daily from cron)."""
    removed = prune_attempts(db.session, utcnow())
    db.session.commit()
    click.echo(f"Forgot {removed} old sign-in attempt(s).")
