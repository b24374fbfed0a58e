"""Password hashing with argon2id (memory-hard) and the password policy.

The hasher's cost comes from configuration, so production can raise it and tests can lower
it; a stored hash made with other parameters is re-hashed at the next successful sign-in."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _

#: Longer inputs are refused before hashing: a megabyte "password" is a denial of service.
MAX_PASSWORD_LENGTH = 256


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
    )


def hasher() -> PasswordHasher:
    """The argon2id hasher with this app's parameters."""
    config = current_app.config
    return _hasher(
        config["PASSWORD_HASH_TIME_COST"],
        config["PASSWORD_HASH_MEMORY_KIB"],
        config["PASSWORD_HASH_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches; a corrupt or foreign hash is a mismatch, never an error."""
    try:
        return hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the current ones."""
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash("not a password of anyone")


def waste_time_like_a_verification(password: str) -> None:
    """Spend what checking a real password costs, so an unknown email answers as slowly
    as a known one (no account enumeration by timing)."""
    config = current_app.config
    dummy = _dummy_hash(
        config["PASSWORD_HASH_TIME_COST"],
        config["PASSWORD_HASH_MEMORY_KIB"],
        config["PASSWORD_HASH_PARALLELISM"],
    )
    verify_password(dummy, password)


def password_problems(password: str, email: str = "") -> list[str]:
    """What is wrong with `password` as a new password (empty when it is acceptable)."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(
            _("Use at least %(minimum)d characters.", minimum=minimum)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(
            _("Use at most %(maximum)d characters.", maximum=MAX_PASSWORD_LENGTH)
        )
    email = email.strip().lower()
    if email and password.strip().lower() in (email, email.split("@")[0]):
        problems.append(_("Your password must not be your email address."))
    return problems
