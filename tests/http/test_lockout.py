"""Sign-in throttling that slows attackers without locking out owners (fault 6): counted
atomically under a burst, a known browser passes an account's limit, a mailed link makes a
new browser known, and staff sign-ins behave the same."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mall.accounts.models import AttemptKind, Buyer, SignInAttempt
from mall.accounts.passwords import hash_password
from mall.accounts.services import SignInFailed, authenticate
from mall.accounts.throttling import Throttled
from mall.columns import utcnow
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.operator.models import StaffMember, StaffRole
from tests.support.hosts import PORTAL, csrf_token

PASSWORD = "a collector's long passphrase"
SIGN_IN = PORTAL + "/account/sign-in"
STAFF_SIGN_IN = PORTAL + "/operator/sign-in"


@pytest.fixture
def ana():
    buyer = Buyer(email="ana@example.org", password_hash=hash_password(PASSWORD), name="Ana")
    db.session.add(buyer)
    db.session.commit()
    return buyer


def _sign_in(client, password: str = PASSWORD, address: str = "127.0.0.1",
             url: str = SIGN_IN, email: str = "ana@example.org"):
    token = csrf_token(client, url)
    return client.post(url, data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def _attack(client, n: int = 5, **kwargs) -> None:
    for i in range(n):
        _sign_in(client, password=f"guess {i}", address=f"198.51.100.{i}", **kwargs)


def _failures() -> int:
    return db.session.scalar(select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.kind == AttemptKind.SIGN_IN, SignInAttempt.succeeded.is_(False)))


def test_a_burst_of_guesses_is_counted_one_by_one(app, ana):
    """30 wrong passwords at once from 30 addresses: exactly the account's limit is heard."""
    db.session.rollback()
    start = threading.Barrier(30)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        with app.app_context():
            start.wait()
            try:
                authenticate(db.session, "ana@example.org", f"guess {n}", f"192.0.2.{n}",
                             utcnow())
            except SignInFailed:
                outcomes.append("heard")
            except Throttled:
                outcomes.append("throttled")
            finally:
                db.session.commit()
                db.session.remove()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    limit = app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]
    assert outcomes.count("heard") == limit
    assert outcomes.count("throttled") == 30 - limit
    assert _failures() == limit


def test_the_owners_known_browser_passes_while_strangers_are_held(app, client, ana):
    assert _sign_in(client).status_code == 302  # the owner's browser becomes known
    client.post(PORTAL + "/account/sign-out", data={
        "csrf_token": csrf_token(client, PORTAL + "/")})
    attacker = app.test_client()
    _attack(attacker)
    assert _sign_in(attacker).status_code == 429  # even the right password, elsewhere
    assert _sign_in(client, address="203.0.113.5").status_code == 302


def test_an_attackers_address_slows_down_progressively(app, ana):
    attacker = app.test_client()
    statuses = [_sign_in(attacker, password=f"guess {n}", address="198.51.100.77").status_code
                for n in range(6)]
    assert statuses[:4] == [400, 400, 400, 400]
    assert 429 in statuses[4:]
    owner = app.test_client()
    assert _sign_in(owner, address="203.0.113.9").status_code == 302  # home is not slowed


def test_the_mailed_link_lets_a_new_browser_in(app, ana):
    _attack(app.test_client())
    laptop = app.test_client()
    refused = _sign_in(laptop, address="203.0.113.20")
    assert refused.status_code == 429
    assert "mailed a link" in refused.get_data(as_text=True)
    mail = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == "ana@example.org").order_by(OutboxMessage.id)).all()
    assert mail
    link = re.search(r"http://\S+/account/unlock/\S+", mail[-1].text_body).group(0)
    assert laptop.get(link + "x").status_code == 400  # tampered
    assert laptop.get(link).status_code == 302
    assert _sign_in(laptop, address="203.0.113.20").status_code == 302


def test_the_link_dies_with_a_password_change(app, ana):
    _attack(app.test_client())
    laptop = app.test_client()
    _sign_in(laptop, address="203.0.113.20")
    body = db.session.scalars(select(OutboxMessage.text_body).order_by(OutboxMessage.id)).all()[-1]
    link = re.search(r"http://\S+/account/unlock/\S+", body).group(0)
    ana.password_hash = hash_password("an entirely new passphrase")
    db.session.commit()
    assert laptop.get(link).status_code == 400


def test_an_unknown_account_gets_the_same_answer_and_no_mail(app):
    for i in range(5):
        _sign_in(app.test_client(), email="nobody@example.org", password=f"g {i}",
                 address=f"198.51.100.{i}")
    refused = _sign_in(app.test_client(), email="nobody@example.org", address="203.0.113.1")
    assert refused.status_code == 429
    assert "mailed a link" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_staff_sign_in_is_protected_the_same_way(app):
    desk = StaffMember(email="desk@stamps.post", password_hash=hash_password(PASSWORD),
                       name="Desk", role=StaffRole.OPERATOR)
    db.session.add(desk)
    db.session.commit()
    office = app.test_client()
    assert _sign_in(office, url=STAFF_SIGN_IN, email="desk@stamps.post").status_code == 302
    attacker = app.test_client()
    _attack(attacker, url=STAFF_SIGN_IN, email="desk@stamps.post")
    assert _sign_in(attacker, url=STAFF_SIGN_IN, email="desk@stamps.post").status_code == 429
    fresh = app.test_client()
    assert _sign_in(fresh, url=STAFF_SIGN_IN, email="desk@stamps.post",
                    address="203.0.113.2").status_code == 429
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {mail.recipient for mail in mails} == {"desk@stamps.post"}
    link = re.search(r"http://\S+/account/unlock/\S+", mails[-1].text_body).group(0)
    assert fresh.get(link).status_code == 302
    assert _sign_in(fresh, url=STAFF_SIGN_IN, email="desk@stamps.post",
                    address="203.0.113.2").status_code == 302
    # the office's browser, known since its first sign-in, was never held
    office.post(PORTAL + "/operator/sign-out", data={
        "csrf_token": csrf_token(office, PORTAL + "/operator/payments")})
    assert _sign_in(office, url=STAFF_SIGN_IN, email="desk@stamps.post",
                    address="203.0.113.3").status_code == 302


def test_the_window_bounds_every_lock(app, ana):
    _attack(app.test_client())
    for attempt in db.session.scalars(select(SignInAttempt)):
        attempt.created_at -= timedelta(minutes=16)
    db.session.commit()
    assert _sign_in(app.test_client(), address="203.0.113.30").status_code == 302
