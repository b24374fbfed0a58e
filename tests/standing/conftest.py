"""A collector with an address in France, standing orders made for them, and a draft issue
of Uruguay's to put on sale (with the checkout fixtures' shop, rates and shipping)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from mall.accounts.models import Address, Buyer
from mall.accounts.passwords import hash_password
from mall.catalogue.editing import publish
from mall.catalogue.models import Condition, Issue, ProductFormat
from mall.columns import utcnow
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.orders.models import PaymentMethod
from mall.outbox.services import dispatch_committed
from mall.standing.models import StandingOrder
from tests.support.hosts import PORTAL, csrf_token

PASSWORD = "correct horse 1"


def make_buyer(email: str) -> Buyer:
    buyer = Buyer(email=email, password_hash=hash_password(PASSWORD), name="Ana Collector",
                  country="FR", preferred_locale="en")
    buyer.addresses = [Address(name="Ana Collector", line1="3 quai Saint-Vincent",
                               city="Lyon", postal_code="69001", country="FR")]
    db.session.add(buyer)
    db.session.commit()
    return buyer


def sign_in(client: FlaskClient, buyer: Buyer) -> None:
    url = PORTAL + "/account/sign-in"
    response = client.post(url, data={"email": buyer.email, "password": PASSWORD,
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302


@pytest.fixture
def collector(client: FlaskClient, shop: dict[str, Any]) -> Buyer:
    """Signed in on `client`."""
    buyer = make_buyer("ana@example.org")
    sign_in(client, buyer)
    return buyer


@pytest.fixture
def make_standing() -> Callable[..., StandingOrder]:
    def make(buyer: Buyer, **values: Any) -> StandingOrder:
        fields: dict[str, Any] = {
            "quantity": 2,
            "formats": [ProductFormat.SINGLE.value],
            "condition": Condition.MINT,
            "currency": "EUR",
            "max_per_issue_minor": 10000,
            "payment_method": PaymentMethod.BANK_TRANSFER,
            "address_id": buyer.addresses[0].id,
            "creation_key": secrets.token_urlsafe(24),
            **values,
        }
        if "post_id" not in fields and "theme_id" not in fields:
            fields["post_id"] = db.session.scalar(select(Issue.post_id).limit(1))
        standing = StandingOrder(buyer_id=buyer.id, **fields)
        db.session.add(standing)
        db.session.commit()
        return standing

    return make


@pytest.fixture
def draft(shop, make_issue, make_product) -> dict[str, Any]:
    """Uruguay's coming issue: a mint single (5 left), a first day cover, a used single."""
    issue = make_issue(shop["uy"], slug="aves", title={"en": "Birds of Uruguay"},
                       published_at=None, themes=["birds"])
    return {
        "issue": issue,
        "single": make_product(issue, price_minor=2000, stock=5, weight_g=5),
        "cover": make_product(issue, format=ProductFormat.FIRST_DAY_COVER, price_minor=5000,
                              stock=5, weight_g=20, hs_code="9704"),
        "used": make_product(issue, condition=Condition.USED, price_minor=800, stock=5,
                             weight_g=5, hs_code="9704"),
    }


def put_on_sale(issue: Issue) -> None:
    """As the back office does: publish, commit, then the outbox's pass after the request
    (the announcement, each standing order's task, their charges and mail)."""
    assert publish(db.session, issue, utcnow())
    db.session.commit()
    dispatch_committed(db.session)


def mails_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
    ))


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0
