"""A collector with an account, signed in at the portal through the real sign-in form."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.extensions import db
from tests.support.hosts import PORTAL, csrf_token

PASSWORD = "correct horse 1"


def sign_in(client: FlaskClient, email: str = "ana@example.org", **details: str) -> Buyer:
    """Sign in as `email`, creating the account first if there is none."""
    buyer = db.session.scalar(select(Buyer).where(Buyer.email == email))
    if buyer is None:
        buyer = Buyer(email=email, password_hash=hash_password(PASSWORD),
                      **{"name": "Ana Collector", "country": "FR", **details})
        db.session.add(buyer)
        db.session.commit()
    url = PORTAL + "/account/sign-in"
    response = client.post(url, data={"email": email, "password": PASSWORD,
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    return buyer
