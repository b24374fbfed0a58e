"""Stripe cards behind `PaymentProvider`: "separate charges and transfers" for a cart of
several posts.

One PaymentIntent carries the whole order in the presentment currency, with
`transfer_group` = the order reference, so that each post's Transfer can later be tied to it;
there is no `application_fee_amount` (the commission is what is not transferred). Every POST
carries the caller's idempotency key, so a retried call never charges or refunds twice.
Amounts cross into Stripe's units in `stripe_units` only.

Stripe's exceptions stop here: callers see the `PaymentError` family, whose `reason` a buyer
may read, while Stripe's own message and request id go to the log and to `detail`.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import requests
import stripe

from mall.money import Money
from mall.payments.provider import (
    CardOutcome,
    PaymentConfigurationError,
    PaymentDeclined,
    PaymentError,
    PaymentRefused,
    PaymentResult,
    PaymentStart,
    PaymentStatus,
    PaymentUnavailable,
    RefundReason,
    RefundResult,
    RefundStatus,
    ReversalResult,
    SavedCard,
    TransferResult,
)
from mall.payments.stripe_units import from_stripe, to_stripe

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Stripe's test PaymentMethods (docs.stripe.com/testing): a Visa that pays, and a card
#: that is declined when charged (`card_declined`).
TEST_PAYMENT_METHODS: dict[str, str] = {
    "success": "pm_card_visa",
    "decline": "pm_card_chargeCustomerFail",
}
#: The refund reasons Stripe itself knows; others stay in our metadata only.
STRIPE_REFUND_REASONS = frozenset(
    {RefundReason.REQUESTED_BY_CUSTOMER, RefundReason.DUPLICATE, RefundReason.FRAUDULENT}
)
#: Stripe's limit is 255; suffixes are added for calls that make two requests.
MAX_IDEMPOTENCY_KEY = 200
#: Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500.
MAX_METADATA_KEYS, MAX_METADATA_KEY, MAX_METADATA_VALUE = 50, 40, 500

#: What a request is about, for the reason a refusal gives.
Subject = Literal["payment", "transfer", "account"]
#: Refusals whose reason can say what happened, whatever the request. Stripe's own messages
#: are written for developers (and go to `detail`).
REFUSALS: dict[str, str] = {
    "balance_insufficient": (
        "The mall's Stripe balance does not hold enough available funds for this transfer "
        "yet: card payments become available only after some days."
    ),
    "insufficient_capabilities_for_transfer": (
        "This post's Stripe account cannot receive transfers yet: its onboarding with "
        "Stripe is not complete."
    ),
}
MISSING: dict[Subject, str] = {
    "payment": "This payment could not be found.",
    "transfer": "This transfer, the post's Stripe account or the payment it draws on could "
    "not be found.",
    "account": "This Stripe account could not be found.",
}
#: The generic refusal; None keeps `PaymentRefused`'s default (about payments).
REFUSED: dict[Subject, str | None] = {
    "payment": None,
    "transfer": "Stripe refused this transfer.",
    "account": "Stripe refused to create this account.",
}


class StripeGateway:
    """The Stripe implementation of `PaymentProvider`, one `StripeClient` per gateway."""

    name = "stripe"

    def __init__(
        self,
        secret_key: str,
        *,
        api_base: str | None = None,
        max_network_retries: int = 2,
        timeout: float = 30.0,
        http_client: stripe.HTTPClient | None = None,
    ) -> None:
        """`api_base` points every Stripe API (`api`, `connect`, `files`) at another server, a
        local fake in tests and the demo: `StripeClient` ignores the global `stripe.api_base`.
        `http_client` lets tests observe the real requests."""
        if not secret_key:
            raise PaymentConfigurationError(detail="STRIPE_SECRET_KEY is not set")
        # Telemetry would write an id under ~/.config/stripe and report request timings to
        # Stripe; the mall sends Stripe only what a payment needs.
        stripe.enable_telemetry = False
        base_addresses: Any = None
        if api_base:
            api_base = api_base.rstrip("/")
            base_addresses = {"api": api_base, "connect": api_base, "files": api_base}
        self.test_mode = secret_key.startswith(("sk_test_", "rk_test_"))
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses=base_addresses,
            max_network_retries=max_network_retries,
            http_client=http_client or _http_client(api_base, timeout),
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> StripeGateway:
        """Build from the app's config: `STRIPE_SECRET_KEY`, and optionally `STRIPE_API_BASE`,
        `STRIPE_MAX_NETWORK_RETRIES` (default 2) and `STRIPE_TIMEOUT` (seconds, default 30)."""
        return cls(
            config.get("STRIPE_SECRET_KEY") or "",
            api_base=config.get("STRIPE_API_BASE") or None,
            max_network_retries=int(config.get("STRIPE_MAX_NETWORK_RETRIES", 2)),
            timeout=float(config.get("STRIPE_TIMEOUT", 30)),
        )

    # --- PaymentProvider ----------------------------------------------------------------

    def start(
        self,
        order_ref: str,
        amount: Money,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> PaymentStart:
        """Create the order's PaymentIntent, for cards, in `amount`'s currency."""
        if not order_ref:
            raise ValueError("A payment needs the order's reference")
        units, currency = to_stripe(amount)
        if units <= 0:
            raise ValueError(f"A payment needs a positive amount, not {amount!r}")
        params = {
            "amount": units,
            "currency": currency,
            # Cards only, stated explicitly: real Stripe and localstripe both accept it,
            # while localstripe knows nothing of `automatic_payment_methods`.
            "payment_method_types": ["card"],
            "transfer_group": order_ref,
            "metadata": _metadata({**metadata, "order_ref": order_ref}),
        }
        intent = self._call(
            self._client.v1.payment_intents.create,
            params=params,
            options=_options(idempotency_key),
        )
        return PaymentStart(
            payment_id=intent.id,
            client_secret=intent.client_secret,
            status=_status(intent.status),
            amount=from_stripe(intent.amount, intent.currency),
        )

    def confirm_test_card(
        self, payment_id: str, card: CardOutcome, idempotency_key: str
    ) -> PaymentResult:
        """Attach a Stripe test card to the intent, then confirm it (two POSTs, keyed
        `<key>:payment-method` and `<key>:confirm`). Stripe.js does this in a browser; tests
        and the demo have none. A decline comes back as a result, not an exception."""
        if not self.test_mode:
            raise PaymentConfigurationError(detail="confirm_test_card needs a test-mode key")
        if card not in TEST_PAYMENT_METHODS:
            raise ValueError(f"Unknown test card outcome {card!r}")
        _check_key(idempotency_key)
        # Attach first, then confirm: localstripe cannot confirm with `payment_method=`.
        self._call(
            self._client.v1.payment_intents.update,
            payment_id,
            params={"payment_method": TEST_PAYMENT_METHODS[card]},
            options=_options(f"{idempotency_key}:payment-method"),
        )
        try:
            intent = self._client.v1.payment_intents.confirm(
                payment_id,
                params={"expand": ["latest_charge"]},
                options=_options(f"{idempotency_key}:confirm"),
            )
        except stripe.CardError as error:
            # The intent now says why (last_payment_error): read it back, as the buyer's
            # browser would.
            log.info("Stripe declined %s: %s (%s)", payment_id, error.code, error.request_id)
            return self.retrieve(payment_id)
        except stripe.StripeError as error:
            raise _translate(error) from error
        return self._result(intent)

    def retrieve(self, payment_id: str) -> PaymentResult:
        intent = self._call(
            self._client.v1.payment_intents.retrieve,
            payment_id,
            params={"expand": ["latest_charge"]},
        )
        return self._result(intent)

    def refund(
        self,
        payment_id: str,
        amount: Money,
        idempotency_key: str,
        reason: RefundReason,
        *,
        metadata: Mapping[str, str] | None = None,
    ) -> RefundResult:
        """Refund `amount` of a succeeded payment.

        The payment is read first, because Stripe reads a refund's `amount` in the charge's
        currency whatever we meant: refunding `Money(1000, "EUR")` of a JPY payment would give
        back 1,000 yen. The amount still refundable is left to Stripe to check, so that a retry
        with the same key after a lost response gets Stripe's stored answer rather than a
        refusal computed from the refund it made the first time."""
        if amount.amount <= 0:
            raise ValueError(f"A refund needs a positive amount, not {amount!r}")
        _check_key(idempotency_key)
        payment = self.retrieve(payment_id)
        if amount.currency != payment.amount.currency:
            raise PaymentRefused(
                f"This payment was made in {payment.amount.currency}; it cannot be refunded "
                f"in {amount.currency}.",
                code="currency_mismatch",
            )
        if payment.status is not PaymentStatus.SUCCEEDED:
            raise PaymentRefused(
                "Only a completed payment can be refunded.", code="payment_not_succeeded"
            )
        units, _ = to_stripe(amount)
        params: dict[str, Any] = {
            "payment_intent": payment_id,
            "amount": units,
            "metadata": _metadata({**(metadata or {}), "mall_reason": reason.value}),
        }
        if reason in STRIPE_REFUND_REASONS:
            params["reason"] = reason.value
        refund = self._call(
            self._client.v1.refunds.create, params=params, options=_options(idempotency_key)
        )
        return RefundResult(
            refund_id=refund.id,
            payment_id=payment_id,
            status=_enum(RefundStatus, refund.status),
            amount=from_stripe(refund.amount, refund.currency),
            reason=reason,
        )

    def cancel(self, payment_id: str, idempotency_key: str) -> PaymentResult:
        intent = self._call(
            self._client.v1.payment_intents.cancel,
            payment_id,
            params={"expand": ["latest_charge"]},
            options=_options(idempotency_key),
        )
        return self._result(intent)

    # --- stored cards: standing orders ---------------------------------------------------
    #
    # A collector saves a card with a SetupIntent (on a Customer of their own), and the mall
    # charges it later without them (`off_session`): a standing order's new issue.

    def create_customer(self, email: str, idempotency_key: str) -> str:
        """A Stripe Customer to keep the collector's card on; its id (`cus_…`)."""
        customer = self._call(
            self._client.v1.customers.create,
            params={"email": email},
            options=_options(idempotency_key),
        )
        return customer.id

    def start_setup(self, customer_id: str, idempotency_key: str) -> PaymentStart:
        """A SetupIntent for a card to be charged later, off-session; its client secret is
        for Stripe.js in the collector's browser (`amount` is zero: nothing is charged)."""
        intent = self._call(
            self._client.v1.setup_intents.create,
            params={"customer": customer_id, "usage": "off_session",
                    "payment_method_types": ["card"]},
            options=_options(idempotency_key),
        )
        return PaymentStart(
            payment_id=intent.id, client_secret=intent.client_secret,
            status=PaymentStatus.REQUIRES_PAYMENT_METHOD, amount=Money(0, "EUR"),
        )

    def confirm_test_setup(
        self, setup_id: str, customer_id: str, card: CardOutcome, idempotency_key: str
    ) -> SavedCard | None:
        """Test mode: save one of Stripe's test cards through the SetupIntent, on the server
        (no browser runs Stripe.js here), and attach it to the customer as Stripe.js does.
        "decline" saves the card that is declined when charged. None when it was refused."""
        if not self.test_mode:
            raise PaymentConfigurationError(detail="confirm_test_setup needs a test-mode key")
        try:
            intent = self._client.v1.setup_intents.confirm(
                setup_id,
                params={"payment_method": TEST_PAYMENT_METHODS[card]},
                options=_options(f"{idempotency_key}:confirm"),
            )
        except stripe.CardError as error:
            log.info("Stripe refused to save a card: %s (%s)", error.code, error.request_id)
            return None
        except stripe.StripeError as error:
            raise _translate(error) from error
        if intent.status != "succeeded" or not intent.payment_method:
            return None
        self._call(
            self._client.v1.payment_methods.attach,
            intent.payment_method,
            params={"customer": customer_id},
            options=_options(f"{idempotency_key}:attach"),
        )
        return self._saved_card(intent.payment_method, customer_id)

    def saved_card(self, setup_id: str, customer_id: str) -> SavedCard | None:
        """The card a SetupIntent of `customer_id` saved (Stripe.js's return in live mode),
        or None when it did not succeed or is another customer's."""
        intent = self._call(self._client.v1.setup_intents.retrieve, setup_id)
        if (intent.status != "succeeded" or not intent.payment_method
                or intent.customer != customer_id):
            return None
        payment_method = intent.payment_method
        if not isinstance(payment_method, str):
            payment_method = payment_method.id
        return self._saved_card(payment_method, customer_id)

    def detach_card(self, payment_method_id: str, idempotency_key: str) -> None:
        """Forget a saved card at Stripe: it can no longer be charged."""
        self._call(
            self._client.v1.payment_methods.detach,
            payment_method_id,
            options=_options(idempotency_key),
        )

    def charge_off_session(
        self,
        order_ref: str,
        amount: Money,
        card: SavedCard,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> PaymentResult:
        """Charge a saved card for an order while the collector is away: one PaymentIntent,
        created and confirmed at once (`off_session`). A decline or a card that needs the
        collector's authentication comes back as a result when Stripe names the intent;
        a `PaymentDeclined` when it does not (the fake's refusals carry no intent)."""
        units, currency = to_stripe(amount)
        params = {
            "amount": units,
            "currency": currency,
            "payment_method_types": ["card"],
            "customer": card.customer_id,
            "payment_method": card.payment_method_id,
            "confirm": True,
            "off_session": True,
            "transfer_group": order_ref,
            "metadata": _metadata({**metadata, "order_ref": order_ref}),
        }
        try:
            intent = self._client.v1.payment_intents.create(
                params=params, options=_options(idempotency_key)
            )
        except stripe.CardError as error:
            log.info("Stripe declined an off-session charge of %s: %s (%s)",
                     order_ref, error.code, error.request_id)
            named = getattr(error.error, "payment_intent", None) if error.error else None
            if named is not None:
                return self.retrieve(named["id"] if isinstance(named, dict) else named.id)
            raise _translate(error) from error
        except stripe.StripeError as error:
            raise _translate(error) from error
        return self._result(intent)

    def _saved_card(self, payment_method_id: str, customer_id: str) -> SavedCard:
        method = self._call(self._client.v1.payment_methods.retrieve, payment_method_id)
        card = method.card
        return SavedCard(
            customer_id=customer_id,
            payment_method_id=method.id,
            brand=str(card.brand or ""),
            last4=str(card.last4 or ""),
            exp_month=int(card.exp_month or 0),
            exp_year=int(card.exp_year or 0),
        )

    # --- Connect: the posts' shares ------------------------------------------------------
    #
    # "Separate charges and transfers": the buyer pays the mall (one PaymentIntent per
    # order), then each post's share is transferred to its connected account, tied to the
    # order by `transfer_group` and, when the payment's charge can fund it, to that charge by
    # `source_transaction`.

    def create_account(self, country: str, email: str, idempotency_key: str) -> str:
        """Create a post's connected account and return its id (`acct_…`).

        Express: Stripe hosts the post's onboarding and dashboard, so the mall never holds
        its bank or identity details; only the `transfers` capability is requested, because
        the mall takes the card payments and the post only receives its share. Used by the
        demo and the tests; a real post is onboarded through Stripe's account links."""
        if len(country) != 2 or not country.isascii() or not country.isupper():
            raise ValueError(f"A country is an ISO 3166 alpha-2 code, not {country!r}")
        if "@" not in email:
            raise ValueError(f"A connected account needs an email address, not {email!r}")
        account = self._call(
            self._client.v1.accounts.create,
            params={
                "type": "express",
                "country": country,
                "email": email,
                "capabilities": {"transfers": {"requested": True}},
            },
            options=_options(idempotency_key),
            about="account",
        )
        return account.id

    def transfer(
        self,
        amount: Money,
        destination: str,
        *,
        transfer_group: str,
        source_transaction: str | None,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> TransferResult:
        """Send `amount` to the connected account `destination`.

        With `source_transaction` (the order's charge, `PaymentResult.charge_id`) the money
        is drawn from that charge: it can go at once, while the charge is still pending, but
        never more than the charge still holds, and only in its currency. Without it, Stripe
        takes it from the mall's *available* balance, which card payments reach only after
        some days: until then the refusal is a `PaymentRefused` with code
        `balance_insufficient`. Either way Stripe checks the amount, not us, so that a retry
        with the same key after a lost response gets Stripe's stored transfer back instead of
        a refusal computed from the transfer it made the first time. Stripe stores a refusal
        with its key too: trying again once the funds are there takes a new key."""
        units, currency = to_stripe(amount)
        if units <= 0:
            raise ValueError(f"A transfer needs a positive amount, not {amount!r}")
        if not destination:
            raise ValueError("A transfer needs the post's connected account")
        if not transfer_group:
            raise ValueError("A transfer needs its transfer group (the order's reference)")
        params: dict[str, Any] = {
            "amount": units,
            "currency": currency,
            "destination": destination,
            "transfer_group": transfer_group,
            "metadata": _metadata({**(metadata or {}), "order_ref": transfer_group}),
        }
        if source_transaction is not None:
            params["source_transaction"] = source_transaction
        transfer = self._call(
            self._client.v1.transfers.create,
            params=params,
            options=_options(idempotency_key),
            about="transfer",
        )
        return _transfer_result(transfer)

    def retrieve_transfer(self, transfer_id: str) -> TransferResult:
        """A transfer as Stripe holds it now (with what was reversed since)."""
        transfer = self._call(self._client.v1.transfers.retrieve, transfer_id, about="transfer")
        return _transfer_result(transfer)

    def reverse_transfer(
        self,
        transfer_id: str,
        amount: Money,
        idempotency_key: str,
        *,
        metadata: Mapping[str, str] | None = None,
    ) -> ReversalResult:
        """Take `amount` of a transfer back from the post's account (a refund the post
        shares, a transfer made in error).

        The transfer is read first, for the same reason as in `refund`: Stripe reads a
        reversal's `amount` in the transfer's currency, so `Money(1000, "EUR")` against a JPY
        transfer would take back 1,000 yen. What is left to reverse is Stripe's to check, so
        that a retry with the same key gets the stored reversal back."""
        if amount.amount <= 0:
            raise ValueError(f"A reversal needs a positive amount, not {amount!r}")
        _check_key(idempotency_key)
        transfer = self.retrieve_transfer(transfer_id)
        if amount.currency != transfer.amount.currency:
            raise PaymentRefused(
                f"This transfer was made in {transfer.amount.currency}; it cannot be "
                f"reversed in {amount.currency}.",
                code="currency_mismatch",
            )
        units, _ = to_stripe(amount)
        reversal = self._call(
            self._client.v1.transfers.reversals.create,
            transfer_id,
            params={"amount": units, "metadata": _metadata(metadata or {})},
            options=_options(idempotency_key),
            about="transfer",
        )
        return ReversalResult(
            reversal_id=reversal.id,
            transfer_id=transfer_id,
            amount=from_stripe(reversal.amount, reversal.currency),
        )

    # --- helpers ------------------------------------------------------------------------

    def _call(
        self,
        operation: Callable[..., T],
        *args: Any,
        about: Subject = "payment",
        **kwargs: Any,
    ) -> T:
        """Run one Stripe request about a payment, a transfer or an account, turning
        Stripe's exceptions into ours."""
        try:
            return operation(*args, **kwargs)
        except stripe.StripeError as error:
            raise _translate(error, about) from error

    def _result(self, intent: Any) -> PaymentResult:
        amount = from_stripe(intent.amount, intent.currency)
        charge = getattr(intent, "latest_charge", None)
        if isinstance(charge, str):  # not expanded: fetch it for its refunded amount
            charge = self._call(self._client.v1.charges.retrieve, charge)
        refunded = Money.zero(amount.currency)
        if charge is not None and getattr(charge, "amount_refunded", 0):
            refunded = from_stripe(charge.amount_refunded, charge.currency)
        error = getattr(intent, "last_payment_error", None)
        return PaymentResult(
            payment_id=intent.id,
            status=_status(intent.status),
            amount=amount,
            amount_refunded=refunded,
            charge_id=charge.id if charge is not None else None,
            failure_code=getattr(error, "code", None),
            failure_message=getattr(error, "message", None),
        )


def _transfer_result(transfer: Any) -> TransferResult:
    return TransferResult(
        transfer_id=transfer.id,
        destination=transfer.destination,
        amount=from_stripe(transfer.amount, transfer.currency),
        amount_reversed=from_stripe(transfer.amount_reversed, transfer.currency),
        transfer_group=transfer.transfer_group,
        source_transaction=transfer.source_transaction,
    )


def _http_client(api_base: str | None, timeout: float) -> stripe.HTTPClient:
    """Stripe's requests-based client. A loopback `api_base` (the local fake) is reached
    directly, never through a proxy named in the environment: a test must not depend on, or
    send anything to, a proxy."""
    if api_base and _is_loopback(urlsplit(api_base).hostname or ""):
        session = requests.Session()
        session.trust_env = False
        return stripe.RequestsClient(timeout=timeout, session=session)
    return stripe.RequestsClient(timeout=timeout)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_key(idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise ValueError(
            f"An idempotency key of 1 to {MAX_IDEMPOTENCY_KEY} characters is required"
        )


def _options(idempotency_key: str) -> Any:
    _check_key(idempotency_key)
    return {"idempotency_key": idempotency_key}


def _metadata(values: Mapping[str, str]) -> dict[str, str]:
    """Stripe refuses metadata beyond its limits; say which entry, before asking it."""
    if len(values) > MAX_METADATA_KEYS:
        raise ValueError(f"Stripe takes at most {MAX_METADATA_KEYS} metadata entries")
    for key, value in values.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"Stripe metadata is text only: {key!r}: {value!r}")
        if not key or len(key) > MAX_METADATA_KEY or "[" in key or "]" in key:
            raise ValueError(f"Unusable Stripe metadata key {key!r}")
        if len(value) > MAX_METADATA_VALUE:
            raise ValueError(f"Stripe metadata value for {key!r} is too long")
    return dict(values)


def _status(value: str) -> PaymentStatus:
    return _enum(PaymentStatus, value)


E = TypeVar("E", PaymentStatus, RefundStatus)


def _enum(enum_class: type[E], value: str) -> E:
    try:
        return enum_class(value)
    except ValueError:
        raise PaymentError(detail=f"Stripe returned an unknown status {value!r}") from None


def _translate(error: stripe.StripeError, about: Subject = "payment") -> PaymentError:
    """Map a Stripe exception to ours; only Stripe's card messages (written for buyers) are
    passed on as the reason. Others get a reason of ours: one for the refusals listed in
    `REFUSALS` (by Stripe's code), else one that says what could not be found or done."""
    detail = f"{type(error).__name__}: {error.user_message} (request {error.request_id})"
    code = error.code
    if isinstance(error, stripe.CardError):
        return PaymentDeclined(error.user_message or None, code=code, detail=detail)
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError | stripe.APIError):
        log.warning("Stripe unavailable: %s", detail)
        return PaymentUnavailable(code=code, detail=detail)
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        log.error("Stripe refused our credentials: %s", detail)
        return PaymentConfigurationError(code=code, detail=detail)
    if isinstance(error, stripe.InvalidRequestError):
        log.warning("Stripe refused a request: %s", detail)
        if code in REFUSALS:
            return PaymentRefused(REFUSALS[code], code=code, detail=detail)
        if code == "resource_missing" or error.http_status == 404:
            return PaymentRefused(MISSING[about], code=code, detail=detail)
        return PaymentRefused(REFUSED[about], code=code, detail=detail)
    if isinstance(error, stripe.IdempotencyError):
        # A key reused for a different request: our bug. Stripe names it by its type only.
        log.error("Stripe refused a reused idempotency key: %s", detail)
        return PaymentError(code=code or "idempotency_error", detail=detail)
    # Anything newer: our bug too.
    log.error("Stripe error: %s", detail)
    return PaymentError(code=code, detail=detail)
