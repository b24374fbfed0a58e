"""The operator and a browser signed in to the operator's desk, for the tests of its pages."""

from __future__ import annotations

import pytest
from flask import Flask

from mall.accounts.passwords import hash_password
from mall.extensions import db
from mall.operator.models import StaffMember, StaffRole
from tests.support.client import BrowserClient
from tests.support.hosts import PORTAL, csrf_token

PASSWORD = "a long staff passphrase"


@pytest.fixture
def operator() -> StaffMember:
    staff = StaffMember(email="desk@stamps.post", password_hash=hash_password(PASSWORD),
                        name="Desk Officer", role=StaffRole.OPERATOR)
    db.session.add(staff)
    db.session.commit()
    return staff


@pytest.fixture
def desk(app: Flask, operator: StaffMember) -> BrowserClient:
    """A browser signed in to the operator's desk."""
    client = BrowserClient(app, app.response_class, use_cookies=True)
    token = csrf_token(client, PORTAL + "/operator/sign-in")
    response = client.post(PORTAL + "/operator/sign-in", data={
        "email": operator.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client
