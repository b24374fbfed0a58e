"""What checkout asks of a card payment provider, whoever the provider is.

Checkout speaks only this interface: it starts a payment for an order, learns its state,
refunds and cancels it. Amounts cross the boundary as `Money`; each provider converts them to
its own units inside its adapter. Every state-changing call takes an idempotency key chosen
by the caller (derived from the order, e.g. ``"order-PM-1042:start"``), so that retrying a
request after a timeout can never charge or refund twice (invariant 4)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from mall.money import Money

#: The two outcomes a test card can be asked to produce.
CardOutcome = Literal["success", "decline"]


class PaymentStatus(enum.Enum):
    """Where a payment stands; the values are Stripe's PaymentIntent statuses."""

    #: Waiting for the buyer's card (also: the last card was declined; see `failure_message`).
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    #: A card is attached but the payment was not confirmed yet.
    REQUIRES_CONFIRMATION = "requires_confirmation"
    #: The buyer must authenticate (3-D Secure) in the browser.
    REQUIRES_ACTION = "requires_action"
    #: The network is working on it; a webhook will tell the outcome.
    PROCESSING = "processing"
    #: Authorised but not captured (the mall captures automatically, so rarely seen).
    REQUIRES_CAPTURE = "requires_capture"
    #: The money is taken: the order may be marked paid.
    SUCCEEDED = "succeeded"
    #: Abandoned; no money moves any more.
    CANCELED = "canceled"


class RefundStatus(enum.Enum):
    """A refund's state; the values are Stripe's Refund statuses."""

    PENDING = "pending"
    REQUIRES_ACTION = "requires_action"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


class RefundReason(enum.Enum):
    """Why money goes back. The first three are Stripe's own reasons (they feed its fraud
    models); `NOT_FULFILLED` covers what the mall itself cannot deliver (sold out, lost in
    the post) and is kept in the refund's metadata only."""

    REQUESTED_BY_CUSTOMER = "requested_by_customer"
    DUPLICATE = "duplicate"
    FRAUDULENT = "fraudulent"
    NOT_FULFILLED = "not_fulfilled"


@dataclass(frozen=True, slots=True)
class PaymentStart:
    """A payment created for an order, ready for the buyer's card."""

    #: The provider's id (a PaymentIntent id, `pi_…`), stored on the order.
    payment_id: str
    #: Handed to the browser (Stripe.js) to collect the card; never logged.
    client_secret: str
    status: PaymentStatus
    amount: Money


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """What the provider says of a payment now."""

    payment_id: str
    status: PaymentStatus
    #: What the payment is for, in the presentment currency.
    amount: Money
    #: How much of it was refunded so far (zero in the same currency when none).
    amount_refunded: Money
    #: The charge behind a confirmed payment (the `source_transaction` of later transfers).
    charge_id: str | None = None
    #: Why the last attempt failed (`card_declined`…), when it did.
    failure_code: str | None = None
    #: A sentence the buyer may read ("Your card was declined."), when the last attempt failed.
    failure_message: str | None = None

    @property
    def declined(self) -> bool:
        return self.status is PaymentStatus.REQUIRES_PAYMENT_METHOD and bool(self.failure_code)


@dataclass(frozen=True, slots=True)
class SavedCard:
    """A card kept at the provider for later charges (a PaymentMethod on a Customer)."""

    customer_id: str
    payment_method_id: str
    #: What the collector reads: "visa", "4242", 12, 2030.
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True, slots=True)
class RefundResult:
    """A refund as the provider recorded it."""

    refund_id: str
    payment_id: str
    status: RefundStatus
    amount: Money
    reason: RefundReason


@dataclass(frozen=True, slots=True)
class TransferResult:
    """Money sent from the mall's balance to a post's connected account, as the provider
    recorded it."""

    #: The provider's id (`tr_…`).
    transfer_id: str
    #: The post's connected account (`acct_…`).
    destination: str
    amount: Money
    #: How much of it was taken back so far (zero in the same currency when none).
    amount_reversed: Money
    #: The order's reference, tying the transfer to the payment it shares out.
    transfer_group: str | None
    #: The charge that funds it (`ch_…`), or None when it came from the available balance.
    source_transaction: str | None


@dataclass(frozen=True, slots=True)
class ReversalResult:
    """Part or all of a transfer taken back from a post's account."""

    #: The provider's id (`trr_…`).
    reversal_id: str
    transfer_id: str
    amount: Money


class PaymentError(Exception):
    """A payment operation failed. `reason` is safe to show a buyer or an operator; `detail`
    is for the log only (the provider's own message and request id)."""

    default_reason = "The payment could not be processed. Please try again later."

    def __init__(
        self, reason: str | None = None, *, code: str | None = None, detail: str | None = None
    ) -> None:
        self.reason = reason or self.default_reason
        self.code = code
        self.detail = detail
        super().__init__(self.reason)


class PaymentDeclined(PaymentError):
    """The card was refused; the buyer may try another one."""

    default_reason = "Your card was declined."


class PaymentRefused(PaymentError):
    """The provider refused the request itself: the payment is in a state that does not allow
    it (refunding more than was paid, cancelling a paid payment), or it does not exist."""

    default_reason = "This payment cannot be changed that way."


class PaymentUnavailable(PaymentError):
    """The provider could not be reached or is overloaded: the same request, with the same
    idempotency key, may be retried later."""

    default_reason = "The payment service is unavailable. Please try again in a few minutes."


class PaymentConfigurationError(PaymentError):
    """The mall's own set-up is wrong (a bad key, a test-only call in live mode): an operator
    must act; the buyer only learns that payments are unavailable."""

    default_reason = "Card payments are unavailable at the moment."


@runtime_checkable
class PaymentProvider(Protocol):
    """A card payment provider, as checkout uses it."""

    #: Short stable name stored with orders and processed webhook events ("stripe").
    name: str

    def start(
        self,
        order_ref: str,
        amount: Money,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> PaymentStart:
        """Create the payment for a whole order (one payment, whatever the number of posts)."""
        ...

    def confirm_test_card(
        self, payment_id: str, card: CardOutcome, idempotency_key: str
    ) -> PaymentResult:
        """Pay with a test card from the server, where no browser can run the provider's card
        form (tests, the demo). Refused outside test mode. A decline is a result
        (`REQUIRES_PAYMENT_METHOD` with `failure_message`), not an exception."""
        ...

    def retrieve(self, payment_id: str) -> PaymentResult:
        """The payment's current state, straight from the provider."""
        ...

    def refund(
        self,
        payment_id: str,
        amount: Money,
        idempotency_key: str,
        reason: RefundReason,
        *,
        metadata: Mapping[str, str] | None = None,
    ) -> RefundResult:
        """Give back `amount` (all or part of what was paid, in the payment's currency)."""
        ...

    def cancel(self, payment_id: str, idempotency_key: str) -> PaymentResult:
        """Abandon a payment that has not succeeded (the buyer left, stock ran out)."""
        ...
