"""One transaction per request (and per CLI command), then its side effects.

Views and domain functions only `flush()`. The request commits once, at the end, when it
succeeded: no exception and a 2xx or 3xx answer. Anything else rolls back — a 4xx form page
included, unless the refusal itself must be kept (a counted failed sign-in): such a view
calls `keep_changes()`. A CLI command or a job commits itself, once, at its end.

After the commit, the outbox tasks the transaction wrote (mail, Stripe calls) are carried
out in-process (`mall.outbox.services.dispatch_committed`): at the end of the request (its
teardown), or of the app context for CLI commands. Tasks of a transaction that rolled back
never run; a failing task is left for `flask mall outbox run`.

A request that by HTTP's rules changes nothing (GET, HEAD, OPTIONS) reads in a shared
transaction on SQLite (`mall.database`), so that pages are served side by side; a view that
answers GET and writes all the same (a link followed from a mail) says so with `@writes`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request
from flask.wrappers import Response

from mall.extensions import db
from mall.outbox.services import dispatch_committed

_KEEP = "keep_changes"
_WRITES = "mall_writes"
#: `request.environ` key: set by the request's first hook, so only a request being served
#: (not a test's request context, whose code may write) reads without the write lock.
_READS_ONLY = "mall.reads_only"
#: Methods that change nothing (RFC 9110, 9.2.1).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

View = TypeVar("View", bound=Callable[..., object])


def init_app(app: Flask) -> None:
    # after_request functions run in reverse order of registration: registered before the
    # others (see create_app), the commit runs after every other after_request hook.
    app.after_request(commit_request)
    app.teardown_request(end_request)
    app.teardown_appcontext(end_app_context)


def keep_changes() -> None:
    """Commit this request's changes even though it answers with an error status: for a
    refusal that must be remembered (failed sign-ins count towards throttling)."""
    g.setdefault(_KEEP, True)


class UndeclaredWrite(RuntimeError):
    """A request read in a shared transaction, then wrote: its view needs `@writes`."""

    def __init__(self, statement: str) -> None:
        super().__init__(
            f"{request.method} {request.path} ({request.endpoint}) wrote in a read-only "
            f"transaction; declare its view with @transaction.writes: "
            f"{' '.join(statement.split())[:120]}")


def writes(view: View) -> View:
    """Declare that a view writes even when answering GET (a confirmation link from a mail):
    its transaction takes the write lock up front, as a form's does."""
    setattr(view, _WRITES, True)
    return view


def decide_reads_only() -> None:
    """Called first when a request is served (`MallFlask.preprocess_request`), before the
    hooks read the database (only routing a post's extra name reads it earlier: that
    request's transaction has begun with the write lock). A test's request context never
    calls it, so the code a test runs in one takes the write lock as a command does."""
    view = current_app.view_functions.get(request.endpoint or "")
    request.environ[_READS_ONLY] = (
        request.method in SAFE_METHODS and not getattr(view, _WRITES, False))


def reads_only() -> bool:
    """Whether the transaction about to begin belongs to a request being served that only
    reads: a safe method, answered by a view that does not declare `@writes` (or by no
    view: a 404)."""
    return has_request_context() and request.environ.get(_READS_ONLY, False)


def guarded() -> bool:
    """Whether a write in this request's read-only transaction is refused
    (READ_TRANSACTION_GUARD)."""
    return reads_only() and bool(current_app.config["READ_TRANSACTION_GUARD"])


def commit_request(response: Response) -> Response:
    """Commit a successful request, roll back any other."""
    if response.status_code < 400 or g.pop(_KEEP, False):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def end_request(_error: BaseException | None) -> None:
    """After the answer (committed or rolled back by `commit_request`, also when the view
    raised: Flask answers 500 through it), carry out the side effects of what committed."""
    if current_app.config["OUTBOX_DISPATCH_AFTER_REQUEST"]:
        dispatch_committed(db.session())


def end_app_context(_error: BaseException | None) -> None:
    """The same for a CLI command (its own commit made the tasks due)."""
    if current_app.config["OUTBOX_DISPATCH_AFTER_REQUEST"]:
        dispatch_committed(db.session())
