"""Throttling password guessing, from a table of attempts (so every worker process and every
host sees the same counts), in three layers (see docs/decisions.md, "Sign-in throttling"):

1. Per account *and* address, a progressive delay: a few free failures, then each further
   failure doubles the wait before the next try from there is heard. An attacker's address
   slows down; the owner at home does not.
2. Per account, a limit of failures in the window: beyond it, only a browser the account
   signed in from before (its "known device" cookie), or one that opened the unlock link
   mailed to the owner, may still try. The owner is never locked out of their own account.
3. Per address, a limit of failures in the window (a shared address is bounded by the
   window, and known devices pass).

Counting is atomic: on PostgreSQL the attempt's keys are locked for the transaction
(advisory locks) before the counts are read, so thirty guesses sent at once are heard one
after another; SQLite serialises every writing transaction already (mall.database). What a
refusal says is when the next try will be heard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from mall.accounts.models import AttemptKind, SignInAttempt


@dataclass(frozen=True, slots=True)
class Throttled(Exception):
    """Too many attempts: nothing is checked before `retry_at`. `account_locked`: the
    account's own limit was reached (the owner may unlock this browser by mail)."""

    retry_at: datetime
    account_locked: bool = False


def window() -> timedelta:
    return timedelta(seconds=current_app.config["SIGN_IN_THROTTLE_WINDOW"])


def record_attempt(
    session: Session,
    kind: AttemptKind,
    email: str,
    address: str,
    now: datetime,
    *,
    succeeded: bool = False,
) -> None:
    session.add(
        SignInAttempt(
            kind=kind,
            email=email[:254],
            client_address=(address or "unknown")[:45],
            succeeded=succeeded,
            created_at=now,
        )
    )
    session.flush()


def _retry_at(
    session: Session, limit: int, where: list[ColumnElement[bool]], now: datetime
) -> datetime | None:
    """None while fewer than `limit` attempts match within the window."""
    span = window()
    newest = list(
        session.scalars(
            select(SignInAttempt.created_at)
            .where(SignInAttempt.created_at > now - span, *where)
            .order_by(SignInAttempt.created_at.desc())
            .limit(limit)
        )
    )
    if len(newest) < limit:
        return None
    return newest[-1] + span


def _last_success(session: Session, email: str) -> datetime | None:
    return session.scalar(
        select(func.max(SignInAttempt.created_at)).where(
            SignInAttempt.email == email, SignInAttempt.succeeded.is_(True)
        )
    )


def lock_for_counting(session: Session, *keys: str) -> None:
    """Serialise attempts on the same keys until the transaction ends (PostgreSQL advisory
    locks, taken in one order so two requests never wait on each other)."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: every writing transaction holds the database's write lock
    for key in sorted(set(keys)):
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


def check_sign_in(
    session: Session, email: str, address: str, now: datetime, *, known_device: bool = False
) -> None:
    """Raise Throttled when this try is not to be heard (see the module docstring).

    An account's count restarts after its own successful sign-in; an address's does not, so
    signing in to one's own account buys no more guesses at others'."""
    config = current_app.config
    lock_for_counting(session, "account:" + email, "address:" + address)
    failed = [SignInAttempt.kind == AttemptKind.SIGN_IN, SignInAttempt.succeeded.is_(False)]
    account = [*failed, SignInAttempt.email == email]
    last_success = _last_success(session, email)
    if last_success is not None:
        account.append(SignInAttempt.created_at > last_success)
    delay_until = _progressive(session, [*account, SignInAttempt.client_address == address], now)
    if delay_until is not None and delay_until > now:
        raise Throttled(delay_until)
    if known_device:
        return
    by_account = _retry_at(session, config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"], account, now)
    if by_account is not None:
        raise Throttled(by_account, account_locked=True)
    by_address = _retry_at(
        session,
        config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"],
        [*failed, SignInAttempt.client_address == address],
        now,
    )
    if by_address is not None:
        raise Throttled(by_address)


def _progressive(
    session: Session, where: list[ColumnElement[bool]], now: datetime
) -> datetime | None:
    """Past `SIGN_IN_FREE_FAILURES` failures from this address at this account, each next
    try waits 1 s, then 2, 4, 8… (at most the window): when that wait ends, else None."""
    config = current_app.config
    rows = session.execute(
        select(func.count(), func.max(SignInAttempt.created_at))
        .where(SignInAttempt.created_at > now - window(), *where)
    ).one()
    failures, last = int(rows[0]), rows[1]
    free = int(config["SIGN_IN_FREE_FAILURES"])
    if failures <= free or last is None:
        return None
    seconds = min(2 ** min(failures - free - 1, 20), window().total_seconds())
    return last + timedelta(seconds=seconds)


def check_address(session: Session, kind: AttemptKind, address: str, now: datetime) -> None:
    """Raise Throttled when this address made too many counted attempts of `kind`
    (reset requests, refused registrations)."""
    limits = {
        AttemptKind.SIGN_IN: "SIGN_IN_MAX_FAILURES_PER_ADDRESS",
        AttemptKind.REGISTER: "SIGN_IN_MAX_FAILURES_PER_ADDRESS",
        AttemptKind.PASSWORD_RESET: "PASSWORD_RESET_MAX_PER_ADDRESS",
    }
    where = [
        SignInAttempt.kind == kind,
        SignInAttempt.succeeded.is_(False),
        SignInAttempt.client_address == address,
    ]
    retry_at = _retry_at(session, current_app.config[limits[kind]], where, now)
    if retry_at is not None:
        raise Throttled(retry_at)


def reset_requests_exhausted(session: Session, email: str, now: datetime) -> bool:
    """Whether this email was sent enough reset links for now. The caller answers the same
    either way, so the limit reveals nothing about the account."""
    where = [
        SignInAttempt.kind == AttemptKind.PASSWORD_RESET,
        SignInAttempt.succeeded.is_(False),
        SignInAttempt.email == email,
    ]
    limit = current_app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"]
    return _retry_at(session, limit, where, now) is not None


def prune_attempts(session: Session, now: datetime) -> int:
    """Forget attempts older than the window: they no longer count (a success older than
    the window bounds nothing the window does not). For a periodic job; returns the count."""
    result = session.execute(
        delete(SignInAttempt).where(SignInAttempt.created_at <= now - window())
    )
    session.flush()
    return result.rowcount or 0
