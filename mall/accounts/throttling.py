"""Throttling password guessing, per account and per client address, from a table of
attempts (so every worker process and every host sees the same counts).

A limit is "at most N counted attempts in the window". What a refusal says is when the
oldest of those N leaves the window: the moment the next try will be heard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from mall.accounts.models import AttemptKind, SignInAttempt


@dataclass(frozen=True, slots=True)
class Throttled(Exception):
    """Too many attempts: nothing is checked before `retry_at`."""

    retry_at: datetime


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


def check_sign_in(session: Session, email: str, address: str, now: datetime) -> None:
    """Raise Throttled when this account, or this address, has failed too often.

    An account's count restarts after its own successful sign-in (or password reset); an
    address's count does not, so signing in to one's own account does not buy more guesses
    at others'."""
    config = current_app.config
    failed = [SignInAttempt.kind == AttemptKind.SIGN_IN, SignInAttempt.succeeded.is_(False)]
    account = [*failed, SignInAttempt.email == email]
    last_success = _last_success(session, email)
    if last_success is not None:
        account.append(SignInAttempt.created_at > last_success)
    by_account = _retry_at(session, config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"], account, now)
    by_address = _retry_at(
        session,
        config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"],
        [*failed, SignInAttempt.client_address == address],
        now,
    )
    latest = max((t for t in (by_account, by_address) if t is not None), default=None)
    if latest is not None:
        raise Throttled(latest)


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
