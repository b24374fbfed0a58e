"""Passwords: argon2id with the configured cost, re-hashed when the cost changes, a policy
that refuses short passwords and the email itself, and unknown emails that cost as much
as known ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from mall.accounts import passwords
from mall.accounts.models import AttemptKind, Buyer
from mall.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from mall.accounts.services import SignInFailed, authenticate
from mall.accounts.throttling import Throttled, check_sign_in, record_attempt
from mall.columns import utcnow
from mall.extensions import db


def test_hashes_are_argon2id_with_the_configured_cost(app):
    hashed = hash_password("correct horse battery")
    config = app.config
    assert hashed.startswith(
        f"$argon2id$v=19$m={config['PASSWORD_HASH_MEMORY_KIB']},"
        f"t={config['PASSWORD_HASH_TIME_COST']},p={config['PASSWORD_HASH_PARALLELISM']}$"
    )
    assert hash_password("correct horse battery") != hashed  # salted
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse batterY")


@pytest.mark.parametrize("stored", ["", "plain text", "$argon2id$v=19$m=1,t=1,p=1$broken"])
def test_a_corrupt_hash_is_a_mismatch_not_an_error(app, stored):
    assert not verify_password(stored, "anything at all")
    assert needs_rehash(stored)


def test_a_hash_with_other_parameters_is_rehashed_at_sign_in(app):
    old = PasswordHasher(time_cost=2, memory_cost=4096, parallelism=1).hash("correct horse battery")
    assert needs_rehash(old)
    db.session.add(Buyer(email="ana@example.org", password_hash=old, name="Ana"))
    db.session.commit()

    buyer = authenticate(db.session, "ana@example.org", "correct horse battery", "::1", utcnow())

    assert buyer.password_hash != old
    assert not needs_rehash(buyer.password_hash)
    assert verify_password(buyer.password_hash, "correct horse battery")


def test_an_unknown_email_costs_a_verification_too(app, monkeypatch):
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda h, p: calls.append(p) or real(h, p))
    with pytest.raises(SignInFailed):
        authenticate(db.session, "nobody@example.org", "some password", "::1", utcnow())
    assert calls == ["some password"]


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("long enough pass", []),
        ("ninechars", ["Use at least 10 characters."]),
        ("x" * 257, ["Use at most 256 characters."]),
        ("ana.collector@example.org", ["Your password must not be your email address."]),
        (" Ana.Collector@Example.org ", ["Your password must not be your email address."]),
        ("ana.collector", ["Your password must not be your email address."]),
    ],
)
def test_password_policy(app, password, expected):
    with app.test_request_context():
        assert password_problems(password, "ana.collector@example.org") == expected


def test_the_minimum_length_is_configuration(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_MIN_LENGTH", 16)
    with app.test_request_context():
        assert password_problems("fifteen chars!!") == ["Use at least 16 characters."]


def test_throttle_says_when_the_oldest_counted_failure_leaves_the_window(app):
    start = utcnow() - timedelta(minutes=10)
    for minute in range(5):
        record_attempt(db.session, AttemptKind.SIGN_IN, "ana@example.org", f"10.0.0.{minute}",
                       start + timedelta(minutes=minute))
    with pytest.raises(Throttled) as refused:
        check_sign_in(db.session, "ana@example.org", "10.9.9.9", utcnow())
    assert refused.value.retry_at == start + timedelta(minutes=15)
    later = start + timedelta(minutes=15, seconds=1)
    check_sign_in(db.session, "ana@example.org", "10.9.9.9", later)  # heard again


def test_prune_attempts_command_forgets_only_attempts_older_than_the_window(app):
    from datetime import timedelta

    from sqlalchemy import func, select

    from mall.accounts.models import SignInAttempt
    from mall.columns import utcnow
    from mall.extensions import db

    window = timedelta(seconds=app.config["SIGN_IN_THROTTLE_WINDOW"])
    db.session.add_all([
        _attempt(created_at=utcnow() - window - timedelta(minutes=1)),
        _attempt(created_at=utcnow() - timedelta(minutes=1)),
    ])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mall", "accounts", "prune-attempts"])
    assert result.exit_code == 0, result.output
    assert "Forgot 1 old sign-in attempt(s)." in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 1


def _attempt(**values):
    from mall.accounts.models import AttemptKind, SignInAttempt

    return SignInAttempt(kind=AttemptKind.SIGN_IN, email="ana@example.org",
                         client_address="192.0.2.1", **values)

