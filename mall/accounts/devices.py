"""Browsers an account signed in from before ("known devices"), and the mailed link that
makes a browser known: what lets the owner through while strangers hammer the account.

A host-only cookie holds keyed fingerprints of the accounts signed in from this browser (at
most ten, newest first), signed so it cannot be made up; it says nothing readable about
who they are. Host-only like every cookie of the mall: each host learns its own browsers."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from flask import after_this_request, current_app, request
from flask.wrappers import Response
from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

COOKIE = "known_device"
MAX_ACCOUNTS = 10


def _fingerprint(key: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:24]


def _known() -> list[str]:
    raw = request.cookies.get(COOKIE, "")
    if not raw:
        return []
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=COOKIE).loads(raw)
    except BadData:
        return []
    return [item for item in data if isinstance(item, str)] if isinstance(data, list) else []


def is_known_device(key: str) -> bool:
    return _fingerprint(key) in _known()


def remember_device(key: str) -> None:
    """After this response, this browser is known to the account `key`."""
    known = [_fingerprint(key)] + [item for item in _known() if item != _fingerprint(key)]
    value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=COOKIE).dumps(
        known[:MAX_ACCOUNTS])

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            COOKIE, value, max_age=int(current_app.config["KNOWN_DEVICE_LIFETIME"]),
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), httponly=True,
            samesite="Lax",
        )
        return response


def unlock_token(key: str, password_hash: str) -> str:
    """A link that makes a browser known to `key`; it dies with the next password change."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="unlock")
    return serializer.dumps({"key": key, "fp": _fingerprint(password_hash)})


def unlocked_key(token: str, password_hash_of: Callable[[str], str | None]) -> str | None:
    """The account key the token unlocks, if it is valid and its password is unchanged."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="unlock")
    try:
        data = serializer.loads(token, max_age=int(current_app.config["UNLOCK_LINK_MAX_AGE"]))
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("key"), str):
        return None
    current = password_hash_of(data["key"])
    if current is None or not hmac.compare_digest(str(data.get("fp")), _fingerprint(current)):
        return None
    return data["key"]
