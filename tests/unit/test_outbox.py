"""The transactional outbox: mail (and other side effects) leave only after the
transaction that wrote them has committed, exactly once; a failing handler is retried with
a growing delay and then marked failed with its error; the CLI worker runs what is left."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mall.columns import utcnow
from mall.config import ROOT
from mall.extensions import db
from mall.mail import send_mail
from mall.mail.models import OutboxMessage
from mall.outbox import enqueue
from mall.outbox.models import OutboxTask, TaskState
from mall.outbox.services import run_due, run_task
from mall.posts.models import Post
from mall.transaction import commit_request


def _mail_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def _sent(subject: str) -> bool:
    """Whether the worker has sent it; the look's transaction ends at once. Outside a
    request a SQLite session begins `BEGIN IMMEDIATE`: a look left open would hold the write
    lock, and the worker's next pass would wait for it in SQLite's busy handler, where
    Python cannot run its SIGTERM handler."""
    try:
        return subject in db.session.scalars(select(OutboxMessage.subject)).all()
    finally:
        db.session.rollback()


class _Worker:
    """`flask mall outbox work` as a process of its own, its standard error read as it comes
    (a thread), so that a test can wait for what it writes."""

    def __init__(self, database_url: str, poll: float) -> None:
        env = {**os.environ, "MALL_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(  # noqa: S603 - this venv's flask, fixed arguments
            [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "mall", "outbox",
             "work", "--poll", str(poll)], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            self._lines.append(line)

    @property
    def err(self) -> str:
        return "".join(self._lines)

    def wait_for(self, text: str) -> None:
        """Until the worker has written `text`: its first line says its SIGTERM handler is
        in place (a SIGTERM while it starts would kill it, as it would any process)."""
        deadline = time.monotonic() + 30
        while text not in self.err:
            assert self.process.poll() is None, self.err
            assert time.monotonic() < deadline, f"the worker did not write {text!r}: {self.err}"
            time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM, as a supervisor stops it; its exit code. Killed if it lingers, so a
        failing test leaves no process behind."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=30)
        self.process.stderr.close()  # type: ignore[union-attr]
        return self.process.returncode


def test_mail_leaves_once_after_the_commit(app):
    with app.test_request_context():
        send_mail("ana@example.org", "Order placed", "RF18 …")
        commit_request(Response(status=303))
        assert _mail_count() == 0  # committed, not yet carried out: that is after the request
    assert _mail_count() == 1
    task = db.session.scalars(select(OutboxTask)).one()
    assert (task.state, task.attempts, task.kind) == (TaskState.DONE, 1, "mail")
    assert run_due(db.session, utcnow() + timedelta(days=1)) == (0, 0)  # nothing twice
    assert _mail_count() == 1


@pytest.mark.parametrize("status", [400, 404, 409, 500])
def test_a_request_that_fails_sends_nothing(app, status):
    with app.test_request_context():
        send_mail("ana@example.org", "Order placed", "RF18 …")
        commit_request(Response(status=status))
    assert _mail_count() == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxTask)) == 0


def test_a_commit_that_fails_sends_nothing(app, make_post):
    post = make_post("uy")
    with app.test_request_context():
        send_mail("ana@example.org", "Order placed", "RF18 …")
        db.session.add(Post(**{c: getattr(post, c) for c in (
            "code", "name", "shop_name", "country_name", "default_locale", "locales", "currency",
        )}))  # the same code again: the commit is refused
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert _mail_count() == 0
    assert run_due(db.session, utcnow() + timedelta(days=1)) == (0, 0)


def test_a_failing_handler_is_retried_then_marked_failed(app, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "smtp")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_SECONDS", 60)
    with app.test_request_context():
        send_mail("ana@example.org", "Hello", "Body")
        db.session.commit()
    task = db.session.scalars(select(OutboxTask)).one()
    first_retry = task.next_attempt_at
    assert (task.state, task.attempts) == (TaskState.PENDING, 1)
    now = utcnow()
    assert run_due(db.session, now) == (0, 0)  # not due yet
    assert run_due(db.session, first_retry + timedelta(seconds=1)) == (0, 1)
    db.session.refresh(task)
    assert (task.state, task.attempts) == (TaskState.PENDING, 2)
    assert task.next_attempt_at - first_retry >= timedelta(seconds=119)  # the delay grows
    assert run_due(db.session, task.next_attempt_at + timedelta(seconds=1)) == (0, 1)
    db.session.refresh(task)
    assert (task.state, task.attempts) == (TaskState.FAILED, 3)
    assert "MailError" in task.last_error
    assert run_due(db.session, utcnow() + timedelta(days=30)) == (0, 0)  # given up


def test_the_worker_runs_what_the_request_left(app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_DISPATCH_AFTER_REQUEST", False)
    with app.test_request_context():
        send_mail("ana@example.org", "Hello", "Body")
        db.session.commit()
    assert _mail_count() == 0
    result = app.test_cli_runner().invoke(args=["mall", "outbox", "run"])
    assert result.exit_code == 0, result.output
    assert "1 task(s) done" in result.output
    assert db.session.scalars(select(OutboxMessage.subject)).all() == ["Hello"]
    again = app.test_cli_runner().invoke(args=["mall", "outbox", "run"])
    assert "0 task(s) done" in again.output
    assert _mail_count() == 1


def test_a_task_is_claimed_by_one_runner(app, monkeypatch):
    """A second runner (another worker, or the in-process dispatch) finds the row taken."""
    monkeypatch.setitem(app.config, "OUTBOX_DISPATCH_AFTER_REQUEST", False)
    with app.test_request_context():
        task_id = enqueue(db.session, "mail", {
            "sender": "a@b.c", "to": "ana@example.org", "subject": "S",
            "text_body": "T", "html_body": None,
        }).id
        db.session.commit()
    now = utcnow()
    assert run_task(db.session, task_id, now) is True
    assert run_task(db.session, task_id, now) is False
    assert _mail_count() == 1


def test_unknown_kinds_are_refused_when_recorded(app):
    with app.test_request_context(), pytest.raises(KeyError):
        enqueue(db.session, "carrier-pigeon", {})


def test_a_cli_commands_tasks_run_when_it_ends(app):
    """CLI commands and jobs run in their own app context; what they committed is carried
    out when it ends."""
    with app.app_context():
        enqueue(db.session, "mail", {
            "sender": "a@b.c", "to": "ana@example.org", "subject": "From cron",
            "text_body": "T", "html_body": None,
        })
        db.session.commit()
        assert _mail_count() == 0
    assert db.session.scalars(select(OutboxMessage.subject)).all() == ["From cron"]


def test_the_worker_process_carries_out_tasks_as_they_come_and_stops_on_sigterm(
        app, monkeypatch, database_url):
    """Production's `flask mall outbox work`, a process of its own beside gunicorn: it does
    what requests commit, within a poll, and ends cleanly when its supervisor stops it."""
    monkeypatch.setitem(app.config, "OUTBOX_DISPATCH_AFTER_REQUEST", False)
    worker = _Worker(database_url, poll=0.1)
    try:
        for subject in ("First", "Second"):
            with app.test_request_context():
                send_mail("ana@example.org", subject, "Body")
                commit_request(Response(status=303))
            deadline = time.monotonic() + 30
            while not _sent(subject):
                assert time.monotonic() < deadline, "the worker did not send the mail"
                assert worker.process.poll() is None, worker.err
                time.sleep(0.05)
    finally:
        returncode = worker.stop()
    assert returncode == 0, worker.err
    assert "outbox worker: stopped" in worker.err
    db.session.rollback()
    tasks = db.session.scalars(select(OutboxTask)).all()
    assert [(task.state, task.attempts) for task in tasks] == [(TaskState.DONE, 1)] * 2
    assert _mail_count() == 2


def test_the_worker_outlives_a_database_it_cannot_reach(tmp_path):
    """An outage is logged once per pause, not a traceback per poll, and SIGTERM still ends
    the worker cleanly while it waits."""
    worker = _Worker(f"sqlite:///{tmp_path / 'no-such-folder' / 'mall.sqlite3'}", poll=0.05)
    try:
        worker.wait_for("looking for due tasks")
        worker.wait_for("the database failed")
        time.sleep(1)  # twenty polls' time
    finally:
        returncode = worker.stop()
    assert returncode == 0, worker.err
    assert worker.err.count("the database failed") == 1
    assert "outbox worker: stopped" in worker.err
