"""One transaction per request (and per CLI command), then its side effects.

Views and domain functions only `flush()`. The request commits once, at the end, when it
succeeded: no exception and a 2xx or 3xx answer. Anything else rolls back — a 4xx form page
included, unless the refusal itself must be kept (a counted failed sign-in): such a view
calls `keep_changes()`. A CLI command or a job commits itself, once, at its end.

After the commit, the outbox tasks the transaction wrote (mail, Stripe calls) are carried
out in-process (`mall.outbox.services.dispatch_committed`): at the end of the request (its
teardown), or of the app context for CLI commands. Tasks of a transaction that rolled back
never run; a failing task is left for `flask mall outbox run`."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask.wrappers import Response

from mall.extensions import db
from mall.outbox.services import dispatch_committed

_KEEP = "keep_changes"


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
