"""`flask mall outbox …`: the worker that carries out side effects, and its one-pass form.

In production (`OUTBOX_DISPATCH_AFTER_REQUEST` off) `work` runs beside gunicorn and does
every task, so a web worker never waits for an SMTP server or Stripe:

    flask --app wsgi mall outbox work

Where requests run their own tasks (development), `run` from cron picks up those whose
handler failed (once their retry time has come) or whose process died first:

    * * * * *  cd /srv/mall && flask --app wsgi mall outbox run --quiet
"""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from mall.columns import utcnow
from mall.extensions import db
from mall.outbox.models import OutboxTask, TaskState
from mall.outbox.services import run_due

log = logging.getLogger(__name__)

#: Seconds the worker waits after the database failed it, rather than a log line per poll.
OUTAGE_PAUSE = 5

outbox_cli = AppGroup("outbox", help="Side effects waiting to be carried out (mail, Stripe).")


@outbox_cli.command("run")
@click.option("--quiet", is_flag=True, help="No summary line on standard error.")
def run_command(quiet: bool) -> None:
    """Carry out every pending task whose time has come, once each."""
    done, not_done = run_due(db.session, utcnow())
    if not quiet:
        click.echo(f"{done} task(s) done, {not_done} to retry or failed.", err=True)


@outbox_cli.command("work")
@click.option("--poll", type=click.FloatRange(min=0.05), default=0.5, show_default=True,
              help="Seconds to wait for new tasks when none is due.")
def work_command(poll: float) -> None:
    """Carry out tasks as they come due, until stopped (SIGTERM or Ctrl-C)."""
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    click.echo(f"outbox worker: looking for due tasks every {poll} s", err=True)
    while not stopping.is_set():
        try:
            done, not_done = run_due(db.session, utcnow())
        except SQLAlchemyError:  # the database is away: keep trying, as a supervisor would
            log.exception("outbox worker: the database failed; trying again in %s s",
                          OUTAGE_PAUSE)
            stopping.wait(OUTAGE_PAUSE)
            continue
        finally:
            db.session.remove()  # a fresh session per pass: nothing kept between them
        if done + not_done == 0:
            stopping.wait(poll)
    click.echo("outbox worker: stopped", err=True)


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
