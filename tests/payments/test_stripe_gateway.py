"""The Stripe gateway against localstripe, through the real stripe library and HTTP."""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest
import requests

from mall.money import Money
from mall.payments.provider import (
    PaymentConfigurationError,
    PaymentProvider,
    PaymentRefused,
    PaymentStatus,
    PaymentUnavailable,
    RefundReason,
    RefundStatus,
)
from mall.payments.stripe_gateway import StripeGateway
from mall.payments.stripe_units import AmountNotRepresentable
from tests.payments.conftest import TEST_KEY, RecordingClient

EUR_12_34 = Money(1234, "EUR")


def test_gateway_is_a_payment_provider(gateway: StripeGateway) -> None:
    assert isinstance(gateway, PaymentProvider)
    assert gateway.name == "stripe"
    assert gateway.test_mode


@pytest.mark.parametrize(
    ("amount", "stripe_amount"),
    [
        (Money(500, "JPY"), "500"),
        (Money(1234, "EUR"), "1234"),
        (Money(1230, "KWD"), "1230"),
        (Money(5000, "UGX"), "500000"),
    ],
    ids=["JPY", "EUR", "KWD", "UGX"],
)
def test_paying_in_any_currency_takes_the_exact_amount(
    gateway: StripeGateway, http_client: RecordingClient, key: Any, amount: Money,
    stripe_amount: str,
) -> None:
    started = gateway.start("PM-1001", amount, {"buyer": "42"}, key("start"))
    assert started.payment_id.startswith("pi_")
    assert started.client_secret.startswith(started.payment_id)
    assert started.status is PaymentStatus.REQUIRES_PAYMENT_METHOD
    assert started.amount == amount

    create = http_client.posts()[0].params
    assert create["amount"] == stripe_amount
    assert create["currency"] == amount.currency.lower()
    assert create["transfer_group"] == "PM-1001"
    assert create["metadata[order_ref]"] == "PM-1001"
    assert create["metadata[buyer]"] == "42"
    assert create["payment_method_types[0]"] == "card"
    assert not any(name.startswith("application_fee") for name in create)

    paid = gateway.confirm_test_card(started.payment_id, "success", key("pay"))
    assert paid.status is PaymentStatus.SUCCEEDED
    assert paid.amount == amount
    assert paid.amount_refunded == Money.zero(amount.currency)
    assert (paid.charge_id or "").startswith("ch_")
    assert not paid.declined
    assert gateway.retrieve(started.payment_id) == paid


def test_a_declined_card_is_a_result_with_a_reason(gateway: StripeGateway, key: Any) -> None:
    started = gateway.start("PM-1002", EUR_12_34, {}, key("start"))
    result = gateway.confirm_test_card(started.payment_id, "decline", key("pay"))
    assert result.status is PaymentStatus.REQUIRES_PAYMENT_METHOD
    assert result.declined
    assert result.failure_code == "card_declined"
    assert result.failure_message == "Your card was declined."
    assert gateway.retrieve(started.payment_id).declined


def test_refund_part_then_the_rest(
    gateway: StripeGateway, http_client: RecordingClient, key: Any
) -> None:
    started = gateway.start("PM-1003", EUR_12_34, {}, key("start"))
    gateway.confirm_test_card(started.payment_id, "success", key("pay"))

    part = gateway.refund(
        started.payment_id, Money(234, "EUR"), key("refund-1"),
        RefundReason.REQUESTED_BY_CUSTOMER, metadata={"post": "uy"},
    )
    assert part.refund_id.startswith("re_")
    assert part.status is RefundStatus.SUCCEEDED
    assert part.amount == Money(234, "EUR")
    assert gateway.retrieve(started.payment_id).amount_refunded == Money(234, "EUR")
    sent = http_client.posts()[-1].params
    assert sent["amount"] == "234"
    assert sent["payment_intent"] == started.payment_id
    assert sent["reason"] == "requested_by_customer"
    assert sent["metadata[mall_reason]"] == "requested_by_customer"
    assert sent["metadata[post]"] == "uy"

    rest = gateway.refund(
        started.payment_id, Money(1000, "EUR"), key("refund-2"), RefundReason.NOT_FULFILLED
    )
    assert rest.amount == Money(1000, "EUR")
    assert rest.reason is RefundReason.NOT_FULFILLED
    # Stripe knows no such reason: it stays in our metadata.
    assert "reason" not in http_client.posts()[-1].params
    after = gateway.retrieve(started.payment_id)
    assert after.amount_refunded == EUR_12_34
    assert after.status is PaymentStatus.SUCCEEDED


def test_refunds_that_cannot_be_right_never_reach_stripe(
    gateway: StripeGateway, http_client: RecordingClient, key: Any
) -> None:
    started = gateway.start("PM-1004", Money(500, "JPY"), {}, key("start"))
    gateway.confirm_test_card(started.payment_id, "success", key("pay"))
    posts = len(http_client.posts())
    with pytest.raises(PaymentRefused, match="made in JPY") as refused:
        gateway.refund(started.payment_id, Money(500, "EUR"), key("refund"),
                       RefundReason.DUPLICATE)
    assert refused.value.code == "currency_mismatch"
    assert len(http_client.posts()) == posts

    declined = gateway.start("PM-1005", EUR_12_34, {}, key("start-2"))
    gateway.confirm_test_card(declined.payment_id, "decline", key("pay-2"))
    posts = len(http_client.posts())
    with pytest.raises(PaymentRefused, match="Only a completed payment"):
        gateway.refund(declined.payment_id, EUR_12_34, key("refund-2"),
                       RefundReason.DUPLICATE)
    assert len(http_client.posts()) == posts


def test_cancel_before_payment_and_not_after(gateway: StripeGateway, key: Any) -> None:
    started = gateway.start("PM-1006", EUR_12_34, {}, key("start"))
    canceled = gateway.cancel(started.payment_id, key("cancel"))
    assert canceled.status is PaymentStatus.CANCELED
    assert gateway.retrieve(started.payment_id).status is PaymentStatus.CANCELED

    paid = gateway.start("PM-1007", EUR_12_34, {}, key("start-2"))
    gateway.confirm_test_card(paid.payment_id, "success", key("pay-2"))
    with pytest.raises(PaymentRefused) as refused:
        gateway.cancel(paid.payment_id, key("cancel-2"))
    assert refused.value.reason == "This payment cannot be changed that way."
    assert "InvalidRequestError" in (refused.value.detail or "")


def test_every_post_carries_the_callers_idempotency_key(
    gateway: StripeGateway, http_client: RecordingClient, key: Any
) -> None:
    """The stripe library would invent a random key for a POST without one; a random key
    protects nothing on a retry after a crash, so every POST must carry ours."""
    started = gateway.start("PM-1008", EUR_12_34, {}, key("start"))
    gateway.confirm_test_card(started.payment_id, "success", key("pay"))
    gateway.refund(started.payment_id, Money(100, "EUR"), key("refund"),
                   RefundReason.REQUESTED_BY_CUSTOMER)
    other = gateway.start("PM-1009", EUR_12_34, {}, key("start-2"))
    gateway.cancel(other.payment_id, key("cancel"))

    sent = [(r.url.rsplit("/v1/", 1)[1], r.headers.get("Idempotency-Key"))
            for r in http_client.posts()]
    pi, other_pi = started.payment_id, other.payment_id
    assert sent == [
        ("payment_intents", key("start")),
        (f"payment_intents/{pi}", key("pay") + ":payment-method"),
        (f"payment_intents/{pi}/confirm", key("pay") + ":confirm"),
        ("refunds", key("refund")),
        ("payment_intents", key("start-2")),
        (f"payment_intents/{other_pi}/cancel", key("cancel")),
    ]
    assert all(r.url.startswith(gateway_base(http_client)) for r in http_client.sent)


def gateway_base(http_client: RecordingClient) -> str:
    return http_client.sent[0].url.split("/v1/")[0]


def test_amounts_stripe_cannot_take_are_refused_before_any_request(
    gateway: StripeGateway, http_client: RecordingClient, key: Any
) -> None:
    with pytest.raises(AmountNotRepresentable):
        gateway.start("PM-1010", Money(1234, "KWD"), {}, key("start"))
    with pytest.raises(ValueError, match="positive"):
        gateway.start("PM-1010", Money(0, "EUR"), {}, key("start"))
    with pytest.raises(ValueError, match="idempotency key"):
        gateway.start("PM-1010", EUR_12_34, {}, "")
    with pytest.raises(ValueError, match="metadata key"):
        gateway.start("PM-1010", EUR_12_34, {"a[b]": "c"}, key("start"))
    assert http_client.sent == []


def test_unknown_payment_is_refused_with_a_clear_reason(gateway: StripeGateway) -> None:
    with pytest.raises(PaymentRefused) as refused:
        gateway.retrieve("pi_doesnotexist")
    assert refused.value.reason == "This payment could not be found."


def test_stripe_out_of_reach_is_unavailable_not_a_crash(key: Any) -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = StripeGateway(
        TEST_KEY, api_base=f"http://127.0.0.1:{port}", max_network_retries=0,
        http_client=RecordingClient(),
    )
    with pytest.raises(PaymentUnavailable) as unavailable:
        gateway.start("PM-1011", EUR_12_34, {}, key("start"))
    assert unavailable.value.reason == (
        "The payment service is unavailable. Please try again in a few minutes."
    )
    assert "Traceback" not in str(unavailable.value)


def test_a_key_stripe_refuses_is_a_configuration_error(
    localstripe: str, http_client: RecordingClient, key: Any
) -> None:
    gateway = StripeGateway(
        "pk_test_publishable", api_base=localstripe, max_network_retries=0,
        http_client=http_client,
    )
    with pytest.raises(PaymentConfigurationError) as error:
        gateway.start("PM-1012", EUR_12_34, {}, key("start"))
    assert error.value.reason == "Card payments are unavailable at the moment."


def test_test_cards_are_refused_in_live_mode(
    localstripe: str, http_client: RecordingClient, key: Any
) -> None:
    gateway = StripeGateway(
        "sk_live_postmall", api_base=localstripe, max_network_retries=0,
        http_client=http_client,
    )
    assert not gateway.test_mode
    with pytest.raises(PaymentConfigurationError):
        gateway.confirm_test_card("pi_any", "success", key("pay"))
    assert http_client.sent == []


def test_gateway_from_config(localstripe: str, key: Any) -> None:
    gateway = StripeGateway.from_config(
        {"STRIPE_SECRET_KEY": TEST_KEY, "STRIPE_API_BASE": localstripe + "/",
         "STRIPE_MAX_NETWORK_RETRIES": "0"}
    )
    started = gateway.start("PM-1013", EUR_12_34, {}, key("start"))
    assert gateway.retrieve(started.payment_id).amount == EUR_12_34
    with pytest.raises(PaymentConfigurationError):
        StripeGateway.from_config({})


def test_the_fake_stripe_stays_on_this_machine(localstripe: str, gateway: StripeGateway,
                                               key: Any) -> None:
    """The runner serves on loopback, keeps no state on disk and delivers webhooks nowhere
    but loopback."""
    assert localstripe.startswith("http://127.0.0.1:")
    pickle = "/tmp/localstripe.pickle"  # noqa: S108 - the path localstripe itself would use
    before = os.stat(pickle).st_mtime_ns if os.path.exists(pickle) else None
    gateway.start("PM-1014", EUR_12_34, {}, key("start"))
    after = os.stat(pickle).st_mtime_ns if os.path.exists(pickle) else None
    assert after == before

    session = requests.Session()
    session.trust_env = False
    with session:
        refused = session.post(
            f"{localstripe}/_config/webhooks/outside",
            data={"url": "http://192.0.2.1/hook", "secret": "whsec_x"}, timeout=10,
        )
    assert refused.status_code == 400
