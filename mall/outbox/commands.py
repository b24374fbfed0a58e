"""`flask mall outbox …`: the worker's pass over tasks left undone, for cron or a loop.

    * * * * *  cd /srv/mall && flask --app wsgi mall outbox run --quiet

Tasks are normally run in-process right after the request that wrote them; this picks up
those whose handler failed (once their retry time has come) or whose process died first."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from mall.columns import utcnow
from mall.extensions import db
from mall.outbox.models import OutboxTask, TaskState
from mall.outbox.services import run_due

outbox_cli = AppGroup("outbox", help="Side effects waiting to be carried out (mail, Stripe).")


@outbox_cli.command("run")
@click.option("--quiet", is_flag=True, help="No summary line on standard error.")
def run_command(quiet: bool) -> None:
    """Carry out every pending task whose time has come, once each."""
    done, not_done = run_due(db.session, utcnow())
    if not quiet:
        click.echo(f"{done} task(s) done, {not_done} to retry or failed.", err=True)


@outbox_cli.command("status")
def status_command() -> None:
    """How many tasks are pending, done and failed; the failed ones with their error."""
    counts = dict(
        db.session.execute(select(OutboxTask.state, func.count()).group_by(OutboxTask.state)).all()
    )
    for state in TaskState:
        click.echo(f"{state.value}\t{counts.get(state, 0)}")
    failed = db.session.scalars(
        select(OutboxTask).where(OutboxTask.state == TaskState.FAILED).order_by(OutboxTask.id)
    )
    for task in failed:
        click.echo(f"#{task.id}\t{task.kind}\t{task.attempts}\t{task.last_error}")
