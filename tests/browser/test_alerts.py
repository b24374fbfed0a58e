"""The done-when of new-issue alerts, in Chromium: a collector follows Uruguay from its
storefront, Uruguay's clerk publishes a draft in the back office, and the alert is in the
mall's outbox (the development mail page at the portal)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.catalogue.editing import IssueValues, ProductValues, save_issue, save_product
from mall.catalogue.models import Condition, ProductFormat
from mall.extensions import db
from mall.operator.models import StaffMember, StaffRole

PASSWORD = "a long enough passphrase"


@pytest.fixture
def uruguay(make_post, make_issue, make_product) -> dict[str, Any]:
    uy = make_post("uy")
    make_product(make_issue(uy, slug="humedales", title={"en": "Wetlands"}))
    draft = save_issue(db.session, uy, IssueValues(slug="aves", issue_date=date(2026, 12, 1),
                                                   title={"en": "Birds of the coast"}))
    save_product(db.session, draft, ProductValues(
        sku="UY-AVES-1", format=ProductFormat.SINGLE, condition=Condition.MINT, price="90",
        weight_g=5))
    db.session.add(Buyer(email="claire@example.fr", password_hash=hash_password(PASSWORD),
                         name="Claire Martin", preferred_locale="en"))
    db.session.add(StaffMember(email="clerk@correo.example.uy",
                               password_hash=hash_password(PASSWORD), name="Lucía",
                               role=StaffRole.POST_CLERK, post_id=uy.id))
    db.session.commit()
    ids = {"draft": draft.id}
    db.session.commit()  # hold no transaction: SQLite would keep the server waiting
    return ids


def test_a_collector_follows_uruguay_and_gets_the_mail_when_staff_publish(
        browser, live_mall, uruguay):
    collector = browser.new_context(locale="en-GB").new_page()
    collector.set_default_timeout(15_000)
    collector.goto(live_mall.storefront("uy", "/"))
    collector.get_by_role("link", name="Follow new issues").click()
    collector.wait_for_url(re.compile(r"/account/sign-in\?next="))
    collector.get_by_label("Email address").fill("claire@example.fr")
    collector.get_by_label("Password").fill(PASSWORD)
    collector.get_by_role("button", name="Sign in").click()
    collector.wait_for_url(re.compile(r"/account/alerts/follow/post/uy$"))
    collector.get_by_label("Mail me at once, for each new issue").check()
    collector.get_by_role("button", name="Follow").click()
    collector.wait_for_url(re.compile(r"/account/alerts$"))
    assert collector.get_by_text("You follow Uruguayan Post").is_visible()

    clerk = browser.new_context(locale="en-GB").new_page()
    clerk.set_default_timeout(15_000)
    clerk.goto(live_mall.storefront("uy", "/language/en?next=/manage/"))
    clerk.wait_for_url(re.compile(r"/manage/sign-in"))
    clerk.fill("input[name=email]", "clerk@correo.example.uy")
    clerk.fill("input[name=password]", PASSWORD)
    clerk.locator("form.form button[type=submit]").click()
    clerk.wait_for_url(re.compile(r"/manage/$"))
    issue_url = live_mall.storefront("uy", f"/manage/issues/{uruguay['draft']}")
    clerk.goto(issue_url)
    clerk.get_by_role("button", name=re.compile("Publish")).click()
    clerk.wait_for_url(issue_url)

    collector.goto(live_mall.portal("/outbox"))
    collector.get_by_role("link", name=re.compile("New from Uruguayan Post: Birds of the coast")
                          ).click()
    body = collector.content()
    assert "claire@example.fr" in body
    assert "/issues/aves" in body
    assert "/alerts/stop/" in body
