"""Error pages: the mall's own, on every host, in the visitor's language; JSON for API calls.

A 500 is a bug; everything a visitor can cause is answered with a 4xx and a reason."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from mall.i18n import lazy_translate as _l


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)


#: Reasons in the visitor's language for errors raised without one of our own.
DEFAULT_REASONS = {
    400: _l("The request could not be understood. Please check what you entered."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("This page cannot be used that way."),
    413: _l("What you sent is too large."),
    429: _l("Too many attempts. Please wait a little and try again."),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.is_json or best == "application/json" or "/api/" in request.path


def http_error(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    if isinstance(error, SecurityError):
        # A host the mall does not serve: nothing about it (not even its name) is usable.
        return "This host is not served by Post Mall.\n", 400, {"Content-Type": "text/plain"}
    reason = error.description
    if reason == type(error).description:  # werkzeug's English default, not ours
        reason = str(DEFAULT_REASONS.get(code, reason))
    if wants_json():
        return jsonify(error=error.name, reason=reason), code
    return render_template("errors/error.html", code=code, reason=reason), code


def csrf_error(error: CSRFError) -> ResponseReturnValue:
    reason = _("This form has expired or was sent from another site. Please try again.")
    if wants_json():
        return jsonify(error="Bad Request", reason=reason), 400
    return render_template("errors/error.html", code=400, reason=reason), 400
