"""A post's clerk, in a real browser, on the post's own host: publishes a new issue with an
uploaded picture, ships a paid order with an S10 number and prints its customs form; the
buyer then sees the tracking number on the order page."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from mall.accounts.passwords import hash_password
from mall.catalogue.models import Issue
from mall.extensions import db
from mall.operator.models import StaffMember, StaffRole
from mall.orders.guest_links import guest_pass
from mall.orders.models import PostOrderStatus
from mall.rates.services import import_demo_rates
from tests.tenancy.factories import order_with_line

PASSWORD = "a clerk's long passphrase"


@pytest.fixture
def post_office(make_post, make_issue, make_product) -> dict[str, Any]:
    import_demo_rates(db.session)
    jp = make_post("jp", currency="JPY")
    clerk = StaffMember(email="clerk@post.example.jp", password_hash=hash_password(PASSWORD),
                        name="Kenji", role=StaffRole.POST_CLERK, post_id=jp.id)
    db.session.add(clerk)
    product = make_product(make_issue(jp, title={"en": "Cherry blossoms"}), price_minor=500,
                           currency="JPY", stock=5)
    post_order = order_with_line(product, PostOrderStatus.TO_SHIP)
    db.session.commit()
    ids = {"post_order": post_order.id, "code": post_order.order.code,
           "pass": guest_pass(post_order.order)}
    db.session.commit()  # hold no transaction: SQLite would keep the server waiting
    return ids


def _picture(tmp_path: Path) -> str:
    path = tmp_path / "crane.png"
    out = io.BytesIO()
    Image.new("RGB", (800, 1000), "#c0392b").save(out, "PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_a_clerk_publishes_an_issue_and_ships_an_order(page, live_mall, post_office, tmp_path):
    store = live_mall.storefront("jp")
    page.goto(live_mall.storefront("jp", "/manage/"))
    page.wait_for_url(re.compile(r"/manage/sign-in"))
    page.fill("input[name=email]", "clerk@post.example.jp")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/manage/$"))

    # a new issue, as a draft, then a product, its stock, a picture, and publishing
    page.goto(store.rstrip("/") + "/manage/issues/new")
    page.fill("input[name=title_en]", "Red-crowned cranes")
    page.fill("textarea[name=description_en]", "Cranes of Hokkaido in winter.")
    page.fill("input[name=slug]", "red-crowned-cranes")
    page.fill("input[name=issue_date]", "2026-12-01")
    page.locator("form.issue-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/manage/issues/\d+$"))
    issue_url = page.url
    page.get_by_role("link", name="Add a product").click()
    page.fill("input[name=sku]", "JP-CRANE-1")
    page.fill("input[name=price]", "1200")
    page.fill("input[name=weight_g]", "10")
    page.locator("form.product-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/manage/products/\d+$"))
    page.fill("input[name=delta]", "30")
    page.locator("form.stock-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/manage/products/\d+$"))
    assert "Stock is now 30" in page.content()
    page.goto(issue_url)
    page.set_input_files("input[name=picture]", _picture(tmp_path))
    page.locator(".issue-picture-upload form.form button[type=submit]").click()
    page.wait_for_url(issue_url)
    page.get_by_role("button", name="Publish: put on sale").click()
    page.wait_for_url(issue_url)
    assert "is on sale now" in page.content()

    page.goto(store.rstrip("/") + "/issues/red-crowned-cranes")
    assert "Red-crowned cranes" in page.content()
    picture = page.locator("img.issue-picture")
    assert "/media/" in (picture.get_attribute("src") or "")
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")

    # the paid order: packed, shipped with a typed S10 number, customs form printed
    page.goto(store.rstrip("/") + f"/manage/orders/{post_office['post_order']}")
    page.get_by_role("button", name="Mark as packed").click()
    page.fill("input[name=tracking_number]", "RA473124828JP")  # a typo: the check digit
    page.get_by_role("button", name="Ship and tell the buyer").click()
    assert "check digit" in page.content()
    valid = _s10("RA", 47312482, "JP")
    page.fill("input[name=tracking_number]", valid)
    page.get_by_role("button", name="Ship and tell the buyer").click()
    page.wait_for_url(re.compile(r"/manage/orders/\d+$"))
    assert valid in page.content()
    status, kind, start = page.evaluate(
        """async url => { const r = await fetch(url);
           const head = new Uint8Array(await r.arrayBuffer()).slice(0, 4);
           return [r.status, r.headers.get('content-type'), String.fromCharCode(...head)]; }""",
        f"/manage/orders/{post_office['post_order']}/customs.pdf",
    )
    assert (status, kind, start) == (200, "application/pdf", "%PDF")

    # the buyer, with the link from their mail, sees the number
    buyer = page.context.browser.new_context().new_page()
    buyer.goto(live_mall.portal(f"/orders/{post_office['code']}?access={post_office['pass']}"))
    assert valid in buyer.content()
    db.session.expire_all()
    issue = db.session.scalar(select(Issue).where(Issue.slug == "red-crowned-cranes"))
    assert issue.published_at is not None
    assert issue.image_key


def _s10(service: str, serial: int, country: str) -> str:
    from mall.fulfilment.s10 import TrackingNumber

    return str(TrackingNumber(service, serial, country))
