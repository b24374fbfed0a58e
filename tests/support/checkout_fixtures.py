"""Fixtures for checkout tests: a client that starts every request with a fresh `g`, a shop
of two posts with shipping methods and rates, and the app pointed at localstripe.

Loaded with `pytest_plugins = ["tests.support.checkout_fixtures"]`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mall.extensions import db
from mall.rates.services import set_operator_rate
from mall.shipping.models import ShippingKind
from mall.shipping.zones import Zone
from tests.support.checkout import (
    RATES,
    RATES_DAY,
    TEST_KEY,
    WEBHOOK_SECRET,
    FreshRequestClient,
    add_method,
)
from tests.support.localstripe_server import localstripe  # noqa: F401 - the session fixture


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return FreshRequestClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def other_client(app: Flask) -> FlaskClient:
    """A second browser."""
    return FreshRequestClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def rates() -> None:
    for currency, rate in RATES.items():
        set_operator_rate(db.session, currency, rate, RATES_DAY)
    db.session.commit()


@pytest.fixture
def shop(make_post, make_issue, make_product, rates) -> dict[str, Any]:
    """Uruguay (pesos) and the Netherlands (euros), each with stamps and shipping methods;
    rates for UYU, USD, JPY and KWD."""
    uy, nl = make_post("uy"), make_post("nl")
    humedales = make_issue(uy, slug="humedales", title={"es": "Humedales", "en": "Wetlands"})
    tulpen = make_issue(nl, slug="tulpen", title={"nl": "Tulpen", "en": "Tulips"})
    everywhere = dict.fromkeys(Zone, 0)
    return {
        "uy": uy,
        "nl": nl,
        "sheet": make_product(humedales, price_minor=9000, stock=5, weight_g=20),
        "stamp": make_product(humedales, price_minor=1537, stock=40, weight_g=5),
        "booklet": make_product(tulpen, price_minor=1095, stock=5, weight_g=30),
        "uy_letter": add_method(uy, "letter", ShippingKind.LETTER,
                                {**everywhere, Zone.WORLD: 13500}),
        "uy_registered": add_method(uy, "registered", ShippingKind.REGISTERED_LETTER,
                                    {**everywhere, Zone.WORLD: 40000}),
        "nl_registered": add_method(nl, "registered", ShippingKind.REGISTERED_LETTER,
                                    {**everywhere, Zone.REGION: 995}, free_over_minor=50000),
    }


@pytest.fixture
def stripe_config(app: Flask, localstripe: str) -> Iterator[dict[str, Any]]:  # noqa: F811
    """The app pointed at the session's localstripe, in Stripe's test mode, for one test."""
    settings = {
        "STRIPE_SECRET_KEY": TEST_KEY,
        "STRIPE_API_BASE": localstripe,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_MAX_NETWORK_RETRIES": 0,
    }
    saved = {name: app.config.get(name) for name in settings}
    app.config.update(settings)
    yield settings
    app.config.update(saved)
