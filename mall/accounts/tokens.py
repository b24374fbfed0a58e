"""Password-reset tokens: signed, expiring, and single-use without a table.

The token carries the buyer's id and a fingerprint of their current password hash. Setting
a new password changes the hash (argon2 salts every hash), so the token stops matching:
it works once, and any older token dies with it."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from mall.accounts.models import Buyer

_SALT = "mall.password-reset"


class ResetTokenInvalid(Exception):
    """Expired, tampered with, already used, or for an account that is gone."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def secret_fingerprint(secret: str) -> str:
    """Keyed, so a token reveals nothing about the hash it stands for."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()[:32]


def _fingerprint(buyer: Buyer) -> str:
    return secret_fingerprint(buyer.password_hash)


def make_reset_token(buyer: Buyer) -> str:
    return _serializer().dumps({"buyer": buyer.id, "fp": _fingerprint(buyer)})


def buyer_for_reset_token(session: Session, token: str) -> Buyer:
    """The buyer whose password the token may reset, or ResetTokenInvalid."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise ResetTokenInvalid("expired") from error
    except BadSignature as error:
        raise ResetTokenInvalid("tampered") from error
    if not isinstance(data, dict) or not isinstance(data.get("buyer"), int):
        raise ResetTokenInvalid("malformed")
    buyer = session.get(Buyer, data["buyer"])
    if buyer is None:
        raise ResetTokenInvalid("unknown buyer")
    if not hmac.compare_digest(str(data.get("fp", "")), _fingerprint(buyer)):
        raise ResetTokenInvalid("used")
    return buyer
