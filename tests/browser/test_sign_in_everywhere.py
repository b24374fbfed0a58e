"""Signing in once, at the portal, and being known on a storefront — a different site under
`.post`'s public-suffix rules, with no cookie in common — then signing out there and being
signed out at the portal too. No cookie the mall sets ever names a parent domain."""

from __future__ import annotations

import re

import pytest

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.extensions import db

PASSWORD = "correct horse battery"


@pytest.fixture
def shops(make_post):
    make_post("uy")
    make_post("nl")


@pytest.fixture
def buyer(live_mall, shops):
    with live_mall.app.app_context():
        account = Buyer(email="ana@example.org", password_hash=hash_password(PASSWORD),
                        name="Ana Collector")
        db.session.add(account)
        db.session.commit()
    return account


def _account_name(page) -> str | None:
    names = page.locator(".account-name")
    return names.inner_text() if names.count() else None


def _sign_in_link(page):
    return page.locator(".account-links a[href*='/account/sign-in']")


def _assert_host_only_cookies(page) -> None:
    cookies = page.context.cookies()
    assert cookies, "each host keeps its own session cookie"
    for cookie in cookies:
        assert not cookie["domain"].startswith("."), cookie  # host-only, never a parent domain
        assert cookie["name"] != "remember_token", cookie


def test_register_at_the_portal_and_be_known_on_a_storefront(page, live_mall, shops):
    page.goto(live_mall.portal())
    page.get_by_role("link", name="Create account").click()
    page.get_by_label("Your name").fill("Ana Collector")
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(live_mall.portal("/"))
    assert _account_name(page) == "Ana Collector"

    # A storefront that was never linked: its "Sign in" link makes the portal link it.
    page.goto(live_mall.storefront("nl", "/news"))
    assert _account_name(page) is None
    _sign_in_link(page).click()  # in Dutch here
    page.wait_for_url(live_mall.storefront("nl", "/news"))
    assert _account_name(page) == "Ana Collector"
    _assert_host_only_cookies(page)


def test_sign_in_at_the_portal_be_signed_in_on_a_storefront_then_sign_out_there(
    page, live_mall, buyer
):
    page.goto(live_mall.storefront("uy", "/catalogue"))
    _sign_in_link(page).click()  # in Spanish here

    page.wait_for_url(re.compile(r"/account/sign-in\?next="))
    assert page.url.startswith(live_mall.portal("/account/sign-in"))
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Keep me signed in for 30 days").check()
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(live_mall.storefront("uy", "/catalogue"))
    assert _account_name(page) == "Ana Collector"
    page.goto(live_mall.portal())
    assert _account_name(page) == "Ana Collector"
    _assert_host_only_cookies(page)
    hosts = {cookie["domain"] for cookie in page.context.cookies()}
    assert hosts == {f"stamps.{live_mall.domain}", f"stamps.uy.{live_mall.domain}"}

    page.goto(live_mall.storefront("uy", "/"))
    page.locator(".sign-out-form button").click()
    page.wait_for_url(live_mall.storefront("uy", "/"))
    assert _account_name(page) is None

    page.goto(live_mall.portal())
    assert _account_name(page) is None
    assert page.get_by_role("link", name="Sign in").is_visible()
    _assert_host_only_cookies(page)
