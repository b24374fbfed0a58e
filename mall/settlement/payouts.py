"""Paying posts what their statements say, through one of three `PayoutProvider`s.

A Stripe Transfer goes to a post's connected account where Stripe Connect serves its
country: one transfer per post order, tied to the order's charge (`source_transaction`,
so that funds not yet settled can be transferred) when the buyer paid in the post's
currency, grouped with it (`transfer_group` = the order code), under one idempotency key
per post order and attempt, so a replayed request makes one transfer. Elsewhere the
operator pays by bank transfer or through UPU clearing and records it here.

The payable is debited when a payout starts (it is no longer owed); a transfer Stripe
refuses credits it back with Stripe's reason, so the money stays owed and the page says why."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mall.columns import utcnow
from mall.ledger.accounts import Account, Role
from mall.ledger.balances import owed_per_post_order, owed_to_post
from mall.ledger.bookings import book_payout, book_payout_failed, book_payout_sent
from mall.ledger.models import LedgerEntry
from mall.money import Money
from mall.operator.models import StaffMember
from mall.orders.models import Order, PostOrder
from mall.outbox.services import enqueue
from mall.payments.provider import PaymentConfigurationError, PaymentError, PaymentUnavailable
from mall.settlement.bank import BankDetailsError, clean_account, clean_bic
from mall.settlement.models import (
    Payout,
    PayoutAccount,
    PayoutMethod,
    PayoutStatus,
    Statement,
    StatementStatus,
)
from mall.settlement.periods import period_bounds

log = logging.getLogger(__name__)

#: Countries where Stripe opens connected accounts that receive transfers in their own
#: currency (stripe.com/global). Uruguay, Cambodia, Uganda, Botswana, Tanzania and many
#: other posts are outside: they are paid by bank transfer or UPU clearing.
STRIPE_CONNECT_COUNTRIES = frozenset({
    "AE", "AT", "AU", "BE", "BG", "BR", "CA", "CH", "CY", "CZ", "DE", "DK", "EE", "ES",
    "FI", "FR", "GB", "GI", "GR", "HK", "HR", "HU", "IE", "IN", "IT", "JP", "LI", "LT",
    "LU", "LV", "MT", "MX", "MY", "NL", "NO", "NZ", "PL", "PT", "RO", "SE", "SG", "SI",
    "SK", "TH", "US",
})


class Problem(enum.Enum):
    NOT_APPROVED = "not_approved"
    ALREADY_PAID = "already_paid"
    NOTHING_OWED = "nothing_owed"
    IN_PROGRESS = "in_progress"
    NOT_SERVED = "not_served"
    NO_ACCOUNT = "no_account"
    BAD_ACCOUNT = "bad_account"
    BAD_BIC = "bad_bic"
    NO_REFERENCE = "no_reference"


class PayoutRefused(Exception):
    """Nothing was paid; `problem` says why (`detail` is the bank check's message)."""

    def __init__(self, problem: Problem, detail: Any = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True, slots=True)
class PayoutDetails:
    """What the operator typed for a payout made outside Stripe."""

    reference: str = ""
    account_number: str = ""
    bic: str = ""


class PayoutProvider(Protocol):
    method: PayoutMethod

    def pay(self, session: Session, statement: Statement, details: PayoutDetails,
            staff: StaffMember, now: datetime) -> list[Payout]:
        """Pay what `statement` leaves owed; raises `PayoutRefused` with nothing changed."""


def stripe_served(country: str) -> bool:
    return country.upper() in STRIPE_CONNECT_COUNTRIES


def payout_account(session: Session, post_id: int) -> PayoutAccount:
    """The post's payout settings, created (UPU clearing, no details) on first use."""
    account = session.get(PayoutAccount, post_id)
    if account is None:
        account = PayoutAccount(post_id=post_id)
        session.add(account)
        session.flush()
    return account


def payout_accounts(session: Session, post_ids: list[int]) -> dict[int, PayoutAccount]:
    """Read-only, in one query: each post's payout settings, or the defaults (UPU clearing,
    no details) for a post that has none yet, not added to the session."""
    found = {
        account.post_id: account
        for account in session.scalars(
            select(PayoutAccount).where(PayoutAccount.post_id.in_(post_ids))
        )
    }
    return {
        post_id: found.get(post_id) or PayoutAccount(
            post_id=post_id, method=PayoutMethod.UPU_CLEARING, stripe_account_id=None,
            account_holder="", account_number="", bic="",
        )
        for post_id in post_ids
    }


def provider_for(method: PayoutMethod) -> PayoutProvider:
    return {
        PayoutMethod.STRIPE: StripeTransfers(),
        PayoutMethod.BANK_TRANSFER: RecordedPayout(PayoutMethod.BANK_TRANSFER),
        PayoutMethod.UPU_CLEARING: RecordedPayout(PayoutMethod.UPU_CLEARING),
    }[method]


def _check_payable(session: Session, statement: Statement) -> None:
    """Refuses a statement that cannot be paid now. It is read again, locked until the
    payment is recorded (PostgreSQL): a second screen paying it at the same moment waits,
    then reads it paid (or its transfers on their way) and is told so."""
    session.refresh(statement, with_for_update=True)
    if statement.status is StatementStatus.DRAFT:
        raise PayoutRefused(Problem.NOT_APPROVED)
    if statement.status is StatementStatus.PAID:
        raise PayoutRefused(Problem.ALREADY_PAID)
    pending = session.scalar(
        select(func.count(Payout.id)).where(
            Payout.statement_id == statement.id, Payout.status == PayoutStatus.PENDING
        )
    )
    if pending:
        raise PayoutRefused(Problem.IN_PROGRESS)


class RecordedPayout:
    """A bank transfer or a UPU clearing entry the operator made and records: the
    statement's net, once, against the statement."""

    def __init__(self, method: PayoutMethod) -> None:
        self.method = method

    def pay(self, session: Session, statement: Statement, details: PayoutDetails,
            staff: StaffMember, now: datetime) -> list[Payout]:
        _check_payable(session, statement)
        reference = details.reference.strip()
        if not reference:
            raise PayoutRefused(Problem.NO_REFERENCE)
        account_number = bic = ""
        if self.method is PayoutMethod.BANK_TRANSFER:
            try:
                account_number = clean_account(details.account_number, statement.post.code)
            except BankDetailsError as error:
                raise PayoutRefused(Problem.BAD_ACCOUNT, error.message) from None
            try:
                bic = clean_bic(details.bic)
            except BankDetailsError as error:
                raise PayoutRefused(Problem.BAD_BIC, error.message) from None
        amount = _left_to_pay(session, statement)
        if amount.amount <= 0:
            raise PayoutRefused(Problem.NOTHING_OWED)
        payout = Payout(
            statement_id=statement.id,
            post_id=statement.post_id,
            method=self.method,
            key=f"{self.method.value}:statement:{statement.id}:{_attempt(session, statement)}",
            amount_minor=amount.amount,
            currency=amount.currency,
            status=PayoutStatus.SENT,
            reference=reference[:120],
            account_number=account_number,
            bic=bic,
            created_by_id=staff.id,
            created_at=now,
            sent_at=now,
        )
        session.add(payout)
        session.flush()
        memo = f"{self.method.value} {reference}"[:500]
        book_payout(session, f"payout:{payout.id}", statement.post_id, amount, now,
                    staff_id=staff.id, memo=memo)
        book_payout_sent(session, f"payout-sent:{payout.id}", amount, now, memo=memo)
        _mark_paid_if_done(session, statement, now)
        return [payout]


def _left_to_pay(session: Session, statement: Statement) -> Money:
    """The statement's net less what was sent against it, never more than the post is owed
    in all (an earlier refund may have left it owing the operator)."""
    sent = session.scalar(
        select(func.coalesce(func.sum(Payout.amount_minor), 0)).where(
            Payout.statement_id == statement.id, Payout.status == PayoutStatus.SENT
        )
    )
    left = statement.net - Money(int(sent or 0), statement.currency)
    owed = owed_to_post(session, statement.post_id, statement.currency)
    return min(left, owed, key=lambda money: money.amount)


def _attempt(session: Session, statement: Statement) -> int:
    return int(session.scalar(
        select(func.count(Payout.id)).where(Payout.statement_id == statement.id)
    ) or 0) + 1


class StripeTransfers:
    """One Stripe Transfer per post order of the statement that is still owed money."""

    method = PayoutMethod.STRIPE

    def pay(self, session: Session, statement: Statement, details: PayoutDetails,
            staff: StaffMember, now: datetime) -> list[Payout]:
        _check_payable(session, statement)
        post = statement.post
        if not stripe_served(post.code):
            raise PayoutRefused(Problem.NOT_SERVED)
        account = payout_account(session, post.id)
        if not account.stripe_account_id:
            raise PayoutRefused(Problem.NO_ACCOUNT)
        owed = owed_per_post_order(
            session, statement_post_orders(session, statement), statement.currency
        )
        codes = dict(session.execute(
            select(PostOrder.id, Order.code).join(Order, Order.id == PostOrder.order_id)
            .where(PostOrder.id.in_(list(owed)))
        ).all())
        tried = dict(session.execute(
            select(Payout.post_order_id, func.count(Payout.id))
            .where(Payout.post_order_id.in_(list(owed)))
            .group_by(Payout.post_order_id)
        ).all())
        payouts = []
        for post_order_id, amount in sorted(owed.items()):
            if amount.amount <= 0:
                continue
            tries = tried.get(post_order_id, 0)
            payout = Payout(
                statement_id=statement.id,
                post_id=post.id,
                post_order_id=post_order_id,
                method=PayoutMethod.STRIPE,
                # Stripe keeps keys per account, across databases: the order's random code
                # makes the key the mall's alone.
                key=f"transfer:{codes[post_order_id]}:{post_order_id}:{tries + 1}",
                amount_minor=amount.amount,
                currency=amount.currency,
                status=PayoutStatus.PENDING,
                reference="",
                created_by_id=staff.id,
                created_at=now,
            )
            session.add(payout)
            session.flush()
            book_payout(session, f"payout:{payout.id}", post.id, amount, now,
                        post_order_id=post_order_id, staff_id=staff.id,
                        memo=f"Stripe transfer to {account.stripe_account_id}")
            enqueue(session, "settlement.stripe_transfer", {"payout_id": payout.id})
            payouts.append(payout)
        if not payouts:
            raise PayoutRefused(Problem.NOTHING_OWED)
        return payouts


def statement_post_orders(session: Session, statement: Statement) -> list[int]:
    """The post orders whose sale the statement counts."""
    start, end = period_bounds(statement.period)
    return list(session.scalars(
        select(LedgerEntry.post_order_id).distinct().where(
            LedgerEntry.account == Account.PAYABLE,
            LedgerEntry.post_id == statement.post_id,
            LedgerEntry.role == Role.SALE,
            LedgerEntry.posted_at >= start,
            LedgerEntry.posted_at < end,
        )
    ))


def stripe_transfer_task(session: Session, _task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler: make the transfer (same key on every retry: one transfer), then
    book it sent, or failed with Stripe's reason and the money owed again."""
    from mall.payments.card import card_gateway

    payout = session.get_one(Payout, int(payload["payout_id"]))
    if payout.status is not PayoutStatus.PENDING:
        return
    provider = card_gateway(current_app.config)
    if provider is None:
        raise PaymentConfigurationError(detail="Stripe is not configured")
    post_order = session.get_one(PostOrder, payout.post_order_id)
    order: Order = post_order.order
    account = payout_account(session, payout.post_id)
    amount = payout.amount
    now = utcnow()
    try:
        source = None
        if order.payment_id and order.currency == payout.currency:
            source = provider.retrieve(order.payment_id).charge_id
        transfer = provider.transfer(
            amount,
            account.stripe_account_id or "",
            transfer_group=order.code,
            source_transaction=source,
            idempotency_key=payout.key,
            metadata={"order_code": order.code, "post_order": str(post_order.id)},
        )
    except (PaymentUnavailable, PaymentConfigurationError):
        raise
    except PaymentError as error:
        payout.status, payout.failure = PayoutStatus.FAILED, (error.reason or "")[:500]
        log.warning("Transfer %s failed: %s", payout.key, error.detail)
        book_payout_failed(session, f"payout-failed:{payout.id}", payout.post_id, amount, now,
                           post_order_id=post_order.id, memo=payout.failure)
        return
    payout.status, payout.reference, payout.sent_at = PayoutStatus.SENT, transfer.transfer_id, now
    book_payout_sent(session, f"payout-sent:{payout.id}", amount, now,
                     memo=f"Stripe transfer {transfer.transfer_id}")
    session.flush()
    _mark_paid_if_done(session, payout.statement, now)


def connect_account_task(session: Session, task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler: open the post's connected account at Stripe (keyed by the task,
    so a retry opens the same one) and keep its id."""
    from mall.payments.card import card_gateway

    account = payout_account(session, int(payload["post_id"]))
    if account.stripe_account_id:
        return
    provider = card_gateway(current_app.config)
    if provider is None:
        raise PaymentConfigurationError(detail="Stripe is not configured")
    post = account.post
    account.stripe_account_id = provider.create_account(
        post.code.upper(), post.email or f"payouts@{post.code}.invalid", f"account:{task_id}"
    )
    account.method, account.updated_at = PayoutMethod.STRIPE, utcnow()


def _mark_paid_if_done(session: Session, statement: Statement, now: datetime) -> None:
    """A statement is paid when nothing sent against it is pending or failed and its post
    orders (Stripe) or its net (bank, clearing) are paid."""
    open_payouts = session.scalar(
        select(func.count(Payout.id)).where(
            Payout.statement_id == statement.id,
            Payout.status == PayoutStatus.PENDING,
        )
    )
    if open_payouts:
        return
    owed = owed_per_post_order(
        session, statement_post_orders(session, statement), statement.currency
    )
    recorded = any(p.method is not PayoutMethod.STRIPE and p.status is PayoutStatus.SENT
                   for p in statement.payouts)
    if recorded:
        done = _left_to_pay(session, statement).amount <= 0
    else:
        done = all(amount.amount <= 0 for amount in owed.values())
    if done:
        session.execute(
            update(Statement)
            .where(Statement.id == statement.id, Statement.status == StatementStatus.APPROVED)
            .values(status=StatementStatus.PAID, paid_at=now)
            .execution_options(synchronize_session=False)
        )
        session.refresh(statement)
