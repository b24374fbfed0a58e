"""Stripe Connect through the gateway: accounts, transfers of the posts' shares, reversals,
against localstripe with Connect added (`tests/support/localstripe_connect.py`), through the
real stripe library and HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
import requests

from mall.money import Money
from mall.payments.provider import (
    PaymentError,
    PaymentRefused,
    RefundReason,
    ReversalResult,
    TransferResult,
)
from mall.payments.stripe_gateway import StripeGateway
from tests.payments.conftest import TEST_KEY, RecordingClient

EUR = "EUR"


@pytest.fixture
def fake(localstripe: str) -> Iterator[FakeStripe]:
    with requests.Session() as session:
        session.trust_env = False
        yield FakeStripe(localstripe, session)


class FakeStripe:
    """Plain HTTP to localstripe, to see what the gateway does not return."""

    def __init__(self, base: str, session: requests.Session) -> None:
        self.base = base
        self.session = session

    def get(self, path: str, **params: str) -> Any:
        response = self.session.get(
            f"{self.base}/v1/{path}", params=params, auth=(TEST_KEY, ""), timeout=10
        )
        assert response.status_code == 200, response.text
        return response.json()

    def balance(self, kind: str, currency: str) -> int:
        """`available` or `pending` funds in `currency`, in Stripe's units."""
        funds = self.get("balance")[kind]
        return next((f["amount"] for f in funds if f["currency"] == currency.lower()), 0)

    def top_up(self, currency: str, amount: int) -> None:
        response = self.session.post(
            f"{self.base}/_config/balance",
            data={"currency": currency.lower(), "amount": str(amount)}, timeout=10,
        )
        assert response.status_code == 200, response.text


@pytest.fixture
def account(gateway: StripeGateway, key: Any) -> str:
    return gateway.create_account("FR", "post@stamps.example", key("account"))


class Paid(NamedTuple):
    payment_id: str
    charge_id: str


def pay(gateway: StripeGateway, key: Any, order_ref: str, amount: Money) -> Paid:
    """Pay an order with the test card, as checkout does."""
    started = gateway.start(order_ref, amount, {}, key(f"{order_ref}-start"))
    result = gateway.confirm_test_card(started.payment_id, "success", key(f"{order_ref}-pay"))
    assert result.charge_id is not None
    assert result.charge_id.startswith("ch_")
    return Paid(started.payment_id, result.charge_id)


def paid(gateway: StripeGateway, key: Any, order_ref: str, amount: Money) -> str:
    """The charge behind a paid order: the `source_transaction` of its transfers."""
    return pay(gateway, key, order_ref, amount).charge_id


def test_a_post_gets_a_connected_account_that_takes_transfers(
    gateway: StripeGateway, http_client: RecordingClient, fake: FakeStripe, key: Any
) -> None:
    account_id = gateway.create_account("UY", "sellos@correo.example", key("account"))
    assert account_id.startswith("acct_")
    sent = http_client.posts()[-1]
    assert sent.headers["Idempotency-Key"] == key("account")
    assert sent.params["type"] == "express"
    assert sent.params["capabilities[transfers][requested]"] == "true"

    account = fake.get(f"accounts/{account_id}")
    assert account["object"] == "account"
    assert account["country"] == "UY"
    assert account["email"] == "sellos@correo.example"
    assert account["capabilities"] == {"transfers": "active"}
    # Replayed, the same key gives the same account.
    assert gateway.create_account("UY", "sellos@correo.example", key("account")) == account_id

    with pytest.raises(ValueError, match="alpha-2"):
        gateway.create_account("Uruguay", "sellos@correo.example", key("account-2"))


def test_a_share_of_a_payment_goes_to_the_post_once_however_often_it_is_sent(
    gateway: StripeGateway, http_client: RecordingClient, fake: FakeStripe, account: str,
    key: Any,
) -> None:
    charge = paid(gateway, key, "PM-3001", Money(1234, EUR))
    pending = fake.balance("pending", EUR)

    sent = gateway.transfer(
        Money(1000, EUR), account, transfer_group="PM-3001", source_transaction=charge,
        idempotency_key=key("transfer"), metadata={"post": "uy"},
    )
    assert isinstance(sent, TransferResult)
    assert sent.transfer_id.startswith("tr_")
    assert sent == TransferResult(
        transfer_id=sent.transfer_id, destination=account, amount=Money(1000, EUR),
        amount_reversed=Money(0, EUR), transfer_group="PM-3001", source_transaction=charge,
    )
    params = http_client.posts()[-1].params
    assert params["amount"] == "1000"
    assert params["currency"] == "eur"
    assert params["destination"] == account
    assert params["transfer_group"] == "PM-3001"
    assert params["source_transaction"] == charge
    assert params["metadata[post]"] == "uy"
    assert params["metadata[order_ref]"] == "PM-3001"
    assert http_client.posts()[-1].headers["Idempotency-Key"] == key("transfer")
    assert fake.balance("pending", EUR) == pending - 1000

    # The same request again (a retry after a lost response): Stripe answers with the first
    # transfer, and moves nothing.
    posts = len(http_client.posts())
    again = gateway.transfer(
        Money(1000, EUR), account, transfer_group="PM-3001", source_transaction=charge,
        idempotency_key=key("transfer"), metadata={"post": "uy"},
    )
    assert len(http_client.posts()) == posts + 1  # it did reach Stripe
    assert again == sent
    group = fake.get("transfers", transfer_group="PM-3001")
    assert [t["id"] for t in group["data"]] == [sent.transfer_id]
    assert fake.balance("pending", EUR) == pending - 1000

    # The same key for another request is our bug, and said so.
    with pytest.raises(PaymentError) as reused:
        gateway.transfer(
            Money(999, EUR), account, transfer_group="PM-3001", source_transaction=charge,
            idempotency_key=key("transfer"),
        )
    assert reused.value.code == "idempotency_error"
    assert not isinstance(reused.value, PaymentRefused)
    with pytest.raises(PaymentError) as elsewhere:
        gateway.create_account("FR", "post@stamps.example", key("transfer"))
    assert elsewhere.value.code == "idempotency_error"
    assert len(fake.get("transfers", transfer_group="PM-3001")["data"]) == 1


def test_a_transfer_takes_no_more_than_its_charge_still_holds(
    gateway: StripeGateway, account: str, key: Any
) -> None:
    payment_id, charge = pay(gateway, key, "PM-3002", Money(1234, EUR))
    first = gateway.transfer(
        Money(1000, EUR), account, transfer_group="PM-3002", source_transaction=charge,
        idempotency_key=key("transfer-1"),
    )
    with pytest.raises(PaymentRefused) as refused:
        gateway.transfer(
            Money(300, EUR), account, transfer_group="PM-3002", source_transaction=charge,
            idempotency_key=key("transfer-2"),
        )
    assert refused.value.reason == "Stripe refused this transfer."
    assert "still holds (234 EUR)" in (refused.value.detail or "")

    # A refund takes from what the charge holds; a reversal gives back.
    gateway.refund(payment_id, Money(134, EUR), key("refund"),
                   RefundReason.REQUESTED_BY_CUSTOMER)
    with pytest.raises(PaymentRefused):
        gateway.transfer(
            Money(101, EUR), account, transfer_group="PM-3002", source_transaction=charge,
            idempotency_key=key("transfer-3"),
        )
    gateway.transfer(
        Money(100, EUR), account, transfer_group="PM-3002", source_transaction=charge,
        idempotency_key=key("transfer-4"),
    )
    gateway.reverse_transfer(first.transfer_id, Money(250, EUR), key("reverse"))
    last = gateway.transfer(
        Money(250, EUR), account, transfer_group="PM-3002", source_transaction=charge,
        idempotency_key=key("transfer-5"),
    )
    assert last.amount == Money(250, EUR)


def test_a_transfer_in_another_currency_than_its_charge_is_refused(
    gateway: StripeGateway, account: str, key: Any
) -> None:
    charge = paid(gateway, key, "PM-3003", Money(1234, EUR))
    with pytest.raises(PaymentRefused) as refused:
        gateway.transfer(
            Money(1000, "USD"), account, transfer_group="PM-3003", source_transaction=charge,
            idempotency_key=key("transfer"),
        )
    assert "must be the same as the transfer currency (usd)" in (refused.value.detail or "")


def test_without_a_source_transaction_a_transfer_needs_available_funds(
    gateway: StripeGateway, fake: FakeStripe, account: str, key: Any
) -> None:
    """Card payments are pending funds for days: until they are available, a transfer that
    does not name its charge is refused, with a reason the mall can show."""
    paid(gateway, key, "PM-3004", Money(5000, "CHF"))
    available = fake.balance("available", "CHF")
    amount = Money(available + 2500, "CHF")

    with pytest.raises(PaymentRefused) as refused:
        gateway.transfer(amount, account, transfer_group="PM-3004", source_transaction=None,
                         idempotency_key=key("transfer"))
    assert refused.value.code == "balance_insufficient"
    assert refused.value.reason == (
        "The mall's Stripe balance does not hold enough available funds for this transfer "
        "yet: card payments become available only after some days."
    )
    assert "insufficient available funds" in (refused.value.detail or "")

    # Once the funds are there, the transfer goes; but Stripe keeps a refusal with its key
    # like a success, so trying again takes a new key.
    fake.top_up("CHF", 2500)
    with pytest.raises(PaymentRefused) as replayed:
        gateway.transfer(amount, account, transfer_group="PM-3004", source_transaction=None,
                         idempotency_key=key("transfer"))
    assert replayed.value.code == "balance_insufficient"
    assert fake.balance("available", "CHF") == available + 2500
    sent = gateway.transfer(amount, account, transfer_group="PM-3004",
                            source_transaction=None, idempotency_key=key("transfer-again"))
    assert sent.source_transaction is None
    assert sent.amount == amount
    assert fake.balance("available", "CHF") == 0

    gateway.reverse_transfer(sent.transfer_id, Money(1000, "CHF"), key("reverse"))
    assert fake.balance("available", "CHF") == 1000


def test_reversals_partial_then_full_never_more(
    gateway: StripeGateway, http_client: RecordingClient, account: str, key: Any
) -> None:
    charge = paid(gateway, key, "PM-3005", Money(2000, EUR))
    sent = gateway.transfer(
        Money(1500, EUR), account, transfer_group="PM-3005", source_transaction=charge,
        idempotency_key=key("transfer"),
    )

    part = gateway.reverse_transfer(sent.transfer_id, Money(400, EUR), key("reverse-1"),
                                    metadata={"why": "returned"})
    assert isinstance(part, ReversalResult)
    assert part.reversal_id.startswith("trr_")
    assert part == ReversalResult(part.reversal_id, sent.transfer_id, Money(400, EUR))
    reversal = http_client.posts()[-1]
    assert reversal.url.endswith(f"/v1/transfers/{sent.transfer_id}/reversals")
    assert reversal.params == {"amount": "400", "metadata[why]": "returned"}
    assert reversal.headers["Idempotency-Key"] == key("reverse-1")
    assert gateway.retrieve_transfer(sent.transfer_id).amount_reversed == Money(400, EUR)

    # Replayed: the same reversal, nothing taken twice.
    assert gateway.reverse_transfer(sent.transfer_id, Money(400, EUR), key("reverse-1"),
                                    metadata={"why": "returned"}) == part
    assert gateway.retrieve_transfer(sent.transfer_id).amount_reversed == Money(400, EUR)

    with pytest.raises(PaymentRefused) as refused:
        gateway.reverse_transfer(sent.transfer_id, Money(1101, EUR), key("reverse-2"))
    assert "(1100 EUR)" in (refused.value.detail or "")

    rest = gateway.reverse_transfer(sent.transfer_id, Money(1100, EUR), key("reverse-3"))
    assert rest.amount == Money(1100, EUR)
    after = gateway.retrieve_transfer(sent.transfer_id)
    assert after.amount_reversed == Money(1500, EUR)
    assert after.amount == Money(1500, EUR)
    with pytest.raises(PaymentRefused):
        gateway.reverse_transfer(sent.transfer_id, Money(1, EUR), key("reverse-4"))

    posts = len(http_client.posts())
    with pytest.raises(PaymentRefused, match="made in EUR") as other_currency:
        gateway.reverse_transfer(sent.transfer_id, Money(100, "JPY"), key("reverse-5"))
    assert other_currency.value.code == "currency_mismatch"
    assert len(http_client.posts()) == posts


@pytest.mark.parametrize(
    ("amount", "stripe_amount"),
    [(Money(1500, "JPY"), "1500"), (Money(1230, "KWD"), "1230"), (Money(1500, EUR), "1500")],
    ids=["JPY", "KWD", "EUR"],
)
def test_transfers_take_the_exact_amount_in_any_currency(
    gateway: StripeGateway, http_client: RecordingClient, fake: FakeStripe, account: str,
    key: Any, amount: Money, stripe_amount: str,
) -> None:
    """¥1,500 is 1500 for Stripe (zero-decimal), 1.230 KWD is 1230 (thousandths)."""
    charge = paid(gateway, key, "PM-3006", Money(amount.amount * 2, amount.currency))
    sent = gateway.transfer(amount, account, transfer_group="PM-3006",
                            source_transaction=charge, idempotency_key=key("transfer"))
    assert http_client.posts()[-1].params["amount"] == stripe_amount
    assert sent.amount == amount
    assert fake.get(f"transfers/{sent.transfer_id}")["amount"] == int(stripe_amount)

    back = gateway.reverse_transfer(sent.transfer_id, amount, key("reverse"))
    assert http_client.posts()[-1].params["amount"] == stripe_amount
    assert back.amount == amount
    assert gateway.retrieve_transfer(sent.transfer_id).amount_reversed == amount


def test_a_transfer_to_an_unknown_account_is_refused(gateway: StripeGateway, key: Any) -> None:
    charge = paid(gateway, key, "PM-3007", Money(1234, EUR))
    with pytest.raises(PaymentRefused) as refused:
        gateway.transfer(Money(100, EUR), "acct_doesnotexist", transfer_group="PM-3007",
                         source_transaction=charge, idempotency_key=key("transfer"))
    assert refused.value.code == "resource_missing"
    assert "could not be found" in refused.value.reason
    with pytest.raises(PaymentRefused) as missing:
        gateway.retrieve_transfer("tr_doesnotexist")
    assert missing.value.code == "resource_missing"


def test_a_refund_beyond_the_charge_is_refused(
    gateway: StripeGateway, key: Any
) -> None:
    started = gateway.start("PM-3008", Money(1234, EUR), {}, key("start"))
    gateway.confirm_test_card(started.payment_id, "success", key("pay"))
    gateway.refund(started.payment_id, Money(1000, EUR), key("refund-1"),
                   RefundReason.REQUESTED_BY_CUSTOMER)

    with pytest.raises(PaymentRefused) as refused:
        gateway.refund(started.payment_id, Money(500, EUR), key("refund-2"),
                       RefundReason.REQUESTED_BY_CUSTOMER)
    assert "greater than unrefunded amount on charge (234 EUR)" in (refused.value.detail or "")
    assert gateway.retrieve(started.payment_id).amount_refunded == Money(1000, EUR)

    gateway.refund(started.payment_id, Money(234, EUR), key("refund-3"),
                   RefundReason.REQUESTED_BY_CUSTOMER)
    with pytest.raises(PaymentRefused) as again:
        gateway.refund(started.payment_id, Money(1, EUR), key("refund-4"),
                       RefundReason.REQUESTED_BY_CUSTOMER)
    assert again.value.code == "charge_already_refunded"
    assert gateway.retrieve(started.payment_id).amount_refunded == Money(1234, EUR)


def test_the_balance_follows_charges_refunds_and_transfers(
    gateway: StripeGateway, fake: FakeStripe, account: str, key: Any
) -> None:
    before = fake.balance("pending", "SEK")
    payment_id, charge = pay(gateway, key, "PM-3009", Money(10000, "SEK"))
    assert fake.balance("pending", "SEK") == before + 10000
    gateway.refund(payment_id, Money(1000, "SEK"), key("refund"), RefundReason.DUPLICATE)
    assert fake.balance("pending", "SEK") == before + 9000
    sent = gateway.transfer(Money(6000, "SEK"), account, transfer_group="PM-3009",
                            source_transaction=charge, idempotency_key=key("transfer"))
    assert fake.balance("pending", "SEK") == before + 3000
    gateway.reverse_transfer(sent.transfer_id, Money(2000, "SEK"), key("reverse"))
    assert fake.balance("pending", "SEK") == before + 5000
