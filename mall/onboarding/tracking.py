"""The applicant's tracking link, `/apply/<token>`: the application's id and a keyed hash
of its random nonce. The token is never stored, so the database alone opens no application;
a wrong or altered token finds nothing (a 404, like an unknown one)."""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app, url_for
from sqlalchemy.orm import Session

from mall.columns import MAX_ID
from mall.onboarding.models import Application

_TOKEN = re.compile(r"([1-9][0-9]{0,9})-([0-9a-f]{40})")


def tracking_token(application: Application) -> str:
    return f"{application.id}-{_signature(application)}"


def tracking_link(application: Application) -> str:
    return url_for("portal.track_application", token=tracking_token(application),
                   _external=True)


def find_by_token(session: Session, token: str) -> Application | None:
    match = _TOKEN.fullmatch(token or "")
    if match is None or int(match.group(1)) > MAX_ID:
        return None
    application = session.get(Application, int(match.group(1)))
    if application is None or not hmac.compare_digest(_signature(application), match.group(2)):
        return None
    return application


def _signature(application: Application) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"mall.application:{application.id}:{application.tracking_nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]
