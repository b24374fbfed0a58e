"""Staff sign-in at the portal's `/operator`: a principal of its own, apart from buyers.

Good and bad passwords, throttling shared with buyers' module, the operator role only, a
buyer's session (even one with the same email and password) never opening the desk, sign-out
ending every staff session, and the `flask mall staff` commands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select

from mall.accounts.models import Buyer, SignInAttempt
from mall.accounts.passwords import hash_password, verify_password
from mall.columns import utcnow
from mall.extensions import db
from mall.operator.auth import SESSION_KEY
from mall.operator.models import StaffMember, StaffRole
from tests.support.hosts import PORTAL, csrf_token, storefront

PASSWORD = "a long staff passphrase"
SIGN_IN = PORTAL + "/operator/sign-in"
DESK = PORTAL + "/operator/payments"
SAME = "That email address and password do not match."


class Browser(FlaskClient):
    """A test client whose every request starts with an empty `g`, as under a real server
    (the suite keeps one app context per test; see tests/http/test_accounts.py)."""

    def open(self, *args, **kwargs):
        vars(g).clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app) -> Browser:
    return Browser(app, app.response_class, use_cookies=True)


@pytest.fixture
def new_browser(app):
    return lambda: Browser(app, app.response_class, use_cookies=True)


@pytest.fixture
def make_staff(make_post):
    def make(email: str = "desk@stamps.post", role: StaffRole = StaffRole.OPERATOR,
             password: str = PASSWORD, **values) -> StaffMember:
        post_id = make_post("uy").id if role is not StaffRole.OPERATOR else None
        staff = StaffMember(email=email, password_hash=hash_password(password),
                            name="Desk Officer", role=role, post_id=post_id, **values)
        db.session.add(staff)
        db.session.commit()
        return staff

    return make


def sign_in(client: FlaskClient, email="desk@stamps.post", password=PASSWORD, *,
            address="127.0.0.1", next_url=None):
    token = csrf_token(client, SIGN_IN)
    query = {"next": next_url} if next_url else {}
    return client.post(SIGN_IN, data={"email": email, "password": password, "csrf_token": token},
                       query_string=query, environ_base={"REMOTE_ADDR": address})


def staff_session(client: FlaskClient) -> dict | None:
    with client.session_transaction(base_url=PORTAL) as session:
        return session.get(SESSION_KEY)


def test_the_desk_sends_strangers_to_the_staff_sign_in(client):
    response = client.get(DESK)
    assert response.status_code == 302
    assert response.headers["Location"] == "/operator/sign-in?next=/operator/payments"


def test_staff_sign_in_opens_the_desk_and_is_not_a_buyer_sign_in(client, make_staff):
    make_staff(email="desk@stamps.post")
    response = sign_in(client, email="  Desk@Stamps.POST ", next_url="/operator/payments")
    assert response.status_code == 302
    assert response.headers["Location"] == "/operator/payments"
    desk = client.get(DESK)
    assert desk.status_code == 200
    assert "Desk Officer" in desk.get_data(as_text=True)
    with client.session_transaction(base_url=PORTAL) as session:
        assert session[SESSION_KEY]["version"] == 1
        assert "_user_id" not in session  # no buyer identity, no visitor to carry it across


@pytest.mark.parametrize("email", ["desk@stamps.post", "nobody@stamps.post"])
def test_wrong_password_and_unknown_email_read_the_same(client, make_staff, email):
    make_staff()
    response = sign_in(client, email=email, password="not the passphrase")
    assert response.status_code == 400
    assert SAME in response.get_data(as_text=True)
    assert staff_session(client) is None


def test_sign_in_needs_a_csrf_token(client, make_staff):
    make_staff()
    response = client.post(SIGN_IN, data={"email": "desk@stamps.post", "password": PASSWORD})
    assert response.status_code == 400
    assert staff_session(client) is None


def test_failures_are_throttled_then_heard_again(client, make_staff):
    make_staff()
    for n in range(5):
        assert sign_in(client, password=f"guess {n}", address=f"10.0.0.{n}").status_code == 400
    refused = sign_in(client, address="10.9.9.9")  # the right password, from elsewhere
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert 880 <= int(refused.headers["Retry-After"]) <= 900
    assert staff_session(client) is None

    for attempt in db.session.scalars(select(SignInAttempt)):
        attempt.created_at -= timedelta(minutes=16)
    db.session.commit()
    assert sign_in(client, address="10.9.9.9").status_code == 302


def test_a_buyers_failures_do_not_lock_the_staff_account_of_the_same_email(client, make_staff):
    make_staff(email="ana@example.org")
    buyer_sign_in = PORTAL + "/account/sign-in"
    for n in range(5):
        token = csrf_token(client, buyer_sign_in)
        client.post(buyer_sign_in, environ_base={"REMOTE_ADDR": f"10.0.1.{n}"},
                    data={"email": "ana@example.org", "password": f"guess {n}",
                          "csrf_token": token})
    assert sign_in(client, email="ana@example.org", address="10.0.2.1").status_code == 302


def test_a_signed_in_buyer_never_opens_the_desk(client, make_staff):
    """Even a buyer account with the very same email and password as an operator's."""
    make_staff(email="ana@example.org")
    db.session.add(Buyer(email="ana@example.org", password_hash=hash_password(PASSWORD),
                         name="Ana Collector"))
    db.session.commit()
    buyer_sign_in = PORTAL + "/account/sign-in"
    token = csrf_token(client, buyer_sign_in)
    signed_in = client.post(buyer_sign_in, data={"email": "ana@example.org",
                                                 "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    assert "Ana Collector" in client.get(PORTAL + "/").get_data(as_text=True)

    assert client.get(DESK).status_code == 302
    refused = client.get(DESK, headers={"Accept": "application/json"})
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "Forbidden"


@pytest.mark.parametrize("role", [StaffRole.POST_CLERK, StaffRole.POST_MANAGER])
def test_post_staff_cannot_sign_in_to_the_operators_desk(client, make_staff, role):
    make_staff(role=role)
    response = sign_in(client)
    assert response.status_code == 403
    assert "Post staff sign in at their own shop" in response.get_data(as_text=True)
    assert staff_session(client) is None
    assert client.get(DESK).status_code == 302


def test_a_post_clerks_session_is_refused_by_the_desk(client, make_staff):
    """Should a clerk ever hold a staff session on the portal (the post back offices come
    next), the operator's pages still refuse it: the role is checked at every request."""
    clerk = make_staff(role=StaffRole.POST_CLERK)
    until = int((utcnow() + timedelta(hours=1)).timestamp())
    with client.session_transaction(base_url=PORTAL) as session:
        session[SESSION_KEY] = {"id": clerk.id, "version": clerk.session_version, "until": until}
    assert client.get(DESK).status_code == 302
    assert client.get(DESK, headers={"Accept": "application/json"}).status_code == 403


def test_a_deactivated_account_is_refused_at_once(client, make_staff):
    staff = make_staff()
    assert sign_in(client).status_code == 302
    staff.active = False
    db.session.commit()
    assert client.get(DESK).status_code == 302
    assert sign_in(client).status_code == 403


def test_an_expired_staff_session_ends(client, make_staff):
    make_staff()
    sign_in(client)
    with client.session_transaction(base_url=PORTAL) as session:
        session[SESSION_KEY] = {**session[SESSION_KEY],
                                "until": int((utcnow() - timedelta(seconds=1)).timestamp())}
    assert client.get(DESK).status_code == 302


def test_sign_out_ends_the_staff_session_in_every_browser(client, new_browser, make_staff):
    make_staff()
    other = new_browser()
    sign_in(client)
    sign_in(other)
    token = csrf_token(client, DESK)
    response = client.post(PORTAL + "/operator/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    assert staff_session(client) is None
    assert client.get(DESK).status_code == 302
    assert other.get(DESK).status_code == 302

    replay = client.post(PORTAL + "/operator/sign-out", data={"csrf_token": token})
    assert replay.status_code in (302, 400)  # harmless either way: nothing to end
    assert db.session.scalar(select(StaffMember.session_version)) == 2


def test_sign_out_is_a_post_with_a_csrf_token(client, make_staff):
    make_staff()
    sign_in(client)
    assert client.get(PORTAL + "/operator/sign-out").status_code == 405
    assert client.post(PORTAL + "/operator/sign-out").status_code == 400
    assert client.get(DESK).status_code == 200


@pytest.mark.parametrize("next_url", ["//evil.example/x", "http://evil.example/", "/cart"])
def test_next_stays_on_the_operators_pages(client, make_staff, next_url):
    make_staff()
    response = sign_in(client, next_url=next_url)
    assert response.headers["Location"] == "/operator/payments"


def test_the_desk_exists_on_the_portal_only(client, make_post):
    make_post("uy")
    assert client.get(storefront("uy") + "/operator/sign-in").status_code == 404
    assert client.get(storefront("uy") + "/operator/payments").status_code == 404


# --- flask mall staff -----------------------------------------------------------------------


def test_staff_add_creates_an_operator_and_resets_a_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mall", "staff", "add", "Boss@Stamps.Post", "--name", "Boss",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    staff = db.session.scalars(select(StaffMember)).one()
    assert (staff.email, staff.role, staff.post_id) == ("boss@stamps.post", StaffRole.OPERATOR,
                                                        None)
    result = runner.invoke(args=["mall", "staff", "add", "boss@stamps.post", "--name", "Boss",
                                 "--password", "another long passphrase"])
    assert result.exit_code == 0, result.output
    db.session.refresh(staff)
    assert verify_password(staff.password_hash, "another long passphrase")
    assert staff.session_version == 2


def test_staff_add_refuses_weak_passwords_and_post_roles_without_a_post(app, make_post):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["mall", "staff", "add", "a@stamps.post", "--name", "A",
                               "--password", "short"])
    assert weak.exit_code == 1
    no_post = runner.invoke(args=["mall", "staff", "add", "b@stamps.post", "--name", "B",
                                  "--role", "post_clerk", "--password", PASSWORD])
    assert no_post.exit_code == 1
    make_post("uy")
    clerk = runner.invoke(args=["mall", "staff", "add", "c@correo.uy", "--name", "C",
                                "--role", "post_clerk", "--post", "uy", "--password", PASSWORD])
    assert clerk.exit_code == 0, clerk.output
    assert db.session.scalars(select(StaffMember.email)).all() == ["c@correo.uy"]


def test_staff_deactivate_ends_the_session(client, make_staff, app):
    make_staff()
    sign_in(client)
    result = app.test_cli_runner().invoke(args=["mall", "staff", "deactivate", "desk@stamps.post"])
    assert result.exit_code == 0, result.output
    assert client.get(DESK).status_code == 302


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session", domain="stamps.post.localhost")
    assert cookie is not None
    return cookie.value


def test_staff_sign_in_and_sign_out_leave_nothing_behind(client, new_browser, make_staff):
    """The same protections as a buyer's: every staff key and the CSRF secret are dropped
    at sign-in and at sign-out, and a copy of the cookie taken while signed in (a shared
    computer, a cookie left on disk) opens nothing once signed out."""
    staff = make_staff()
    with client.session_transaction(base_url=PORTAL) as session:
        until = int((utcnow() + timedelta(hours=1)).timestamp())
        session[SESSION_KEY] = {"id": staff.id, "version": 0, "until": until}  # planted
        session["csrf_token"] = "planted"
    sign_in(client)
    with client.session_transaction(base_url=PORTAL) as session:
        assert session[SESSION_KEY]["version"] == staff.session_version
        assert session.get("csrf_token") != "planted"
    copied = _session_cookie(client)
    assert client.get(DESK).headers["Cache-Control"] == "no-store"

    token = csrf_token(client, DESK)
    client.post(PORTAL + "/operator/sign-out", data={"csrf_token": token})
    with client.session_transaction(base_url=PORTAL) as session:
        assert SESSION_KEY not in session
        assert "csrf_token" not in session
    thief = new_browser()
    thief.set_cookie("session", copied, domain="stamps.post.localhost")
    assert thief.get(DESK).status_code == 302
    assert client.get(DESK).status_code == 302


def test_a_buyers_sign_out_keeps_the_staff_session_and_a_staff_sign_out_the_buyer(
    client, make_staff
):
    """Two principals in one cookie: each sign-out ends only its own."""
    make_staff()
    db.session.add(Buyer(email="ana@example.org", password_hash=hash_password(PASSWORD),
                         name="Ana"))
    db.session.commit()
    url = PORTAL + "/account/sign-in"
    client.post(url, data={"email": "ana@example.org", "password": PASSWORD,
                           "csrf_token": csrf_token(client, url)})
    sign_in(client)
    client.post(PORTAL + "/operator/sign-out",
                data={"csrf_token": csrf_token(client, DESK)})
    assert 'class="account-name"' in client.get(PORTAL + "/").get_data(as_text=True)
    sign_in(client)
    client.post(PORTAL + "/account/sign-out", data={"csrf_token": csrf_token(client, DESK)})
    assert 'class="account-name"' not in client.get(PORTAL + "/").get_data(as_text=True)
    assert client.get(DESK).status_code == 200
