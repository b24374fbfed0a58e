"""`flask mall alerts digest`: the daily digest, from cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from mall.alerts.services import send_digests
from mall.columns import utcnow
from mall.extensions import db

alerts_cli = AppGroup("alerts", help="New-issue alerts.")


@alerts_cli.command("digest")
def digest_command() -> None:
    """Mail each collector the new issues waiting for their daily digest (run once a day;
    running it again sends nothing twice)."""
    sent = send_digests(db.session, utcnow())
    db.session.commit()
    click.echo(f"{sent} digests sent.")
