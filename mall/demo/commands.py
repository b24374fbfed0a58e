"""`flask mall seed-demo`: fill the database with the demo mall, as often as you like."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mall.demo.seed import seed
from mall.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo posts, catalogues, pages and news (idempotent: run it again any time)."""
    report = seed(db.session)
    db.session.commit()
    click.echo(report.summary())
