"""`flask mall privacy …`: keeping only what the privacy page says is kept, for cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from mall.columns import utcnow
from mall.extensions import db
from mall.privacy.retention import prune

privacy_cli = AppGroup("privacy", help="Personal data: retention.")


@privacy_cli.command("prune")
def prune_command() -> None:
    """Delete visits, link passes, quotes, finished mail, old contact messages and sign-in
    attempts that outlived their use (run daily)."""
    counts = prune(db.session, utcnow(), current_app.config)
    db.session.commit()
    for kind, count in counts.items():
        click.echo(f"{kind}: {count} deleted")
