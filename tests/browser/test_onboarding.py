"""The whole way in for a new post, in a real browser, each person in their own browser
context: the post applies at the portal, the operator asks for more, the post answers,
the operator approves and invites its manager, who sets a password; the operator registers
an extra name and opens the storefront; a collector fills a cart on the extra name and
finds it at the portal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from sqlalchemy import select

from mall.accounts.passwords import hash_password
from mall.catalogue.models import Issue
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import Post, PostStatus

PASSWORD = "the operator's long passphrase"
MANAGER_PASSWORD = "a new manager's passphrase"


@pytest.fixture
def operator_account() -> None:
    db.session.add(StaffMember(email="desk@stamps.post", password_hash=hash_password(PASSWORD),
                               name="Olga", role=StaffRole.OPERATOR))
    db.session.commit()


def _decree(tmp_path: Path) -> str:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Decreto-Lei: CTT, designated postal operator of Portugal")
    path = tmp_path / "decree.pdf"
    path.write_bytes(bytes(pdf.output()))
    return str(path)


def _mail_link(to: str, pattern: str) -> str:
    db.session.expire_all()
    body = db.session.scalars(select(OutboxMessage.text_body).where(
        OutboxMessage.recipient == to).order_by(OutboxMessage.id.desc())).first()
    db.session.rollback()  # hold no transaction: SQLite would keep the server waiting
    assert body, f"no mail to {to}"
    match = re.search(pattern, body)
    assert match, body
    return match.group(0)


def _submit(page: Any, label: str) -> None:
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_a_new_post_applies_is_verified_and_opens_on_two_names(
    browser, live_mall, operator_account, tmp_path
):
    applicant = browser.new_context(locale="en-GB").new_page()
    applicant.goto(live_mall.portal("/apply"))
    applicant.fill("input[name=organisation]", "CTT — Correios de Portugal")
    applicant.select_option("select[name=country]", "PT")
    applicant.check("input[name=designated_operator]")
    applicant.fill("textarea[name=statement]",
                   "CTT is Portugal's designated operator under the postal law.")
    applicant.fill("input[name=contact_name]", "Inês Costa")
    applicant.fill("input[name=contact_email]", "filatelia@ctt.example")
    applicant.fill("input[name=contact_phone]", "+351 210 000 000")
    applicant.set_input_files("input[name=documents]", _decree(tmp_path))
    _submit(applicant, "Send the application")
    applicant.wait_for_url(re.compile(r"/apply/[0-9]+-[0-9a-f]{40}$"))
    tracking = applicant.url

    desk = browser.new_context(locale="en-GB").new_page()
    desk.goto(live_mall.portal("/operator/sign-in"))
    desk.fill("input[name=email]", "desk@stamps.post")
    desk.fill("input[name=password]", PASSWORD)
    desk.press("input[name=password]", "Enter")
    desk.wait_for_load_state()
    desk.goto(live_mall.portal("/operator/applications"))
    desk.get_by_role("link", name=re.compile("CTT")).first.click()
    desk.wait_for_load_state()
    application_page = desk.url
    desk.fill("textarea[name$=question]", "Please send the decree's page with the signature.")
    _submit(desk, "Ask for more information")

    applicant.goto(tracking)
    assert "Please send the decree" in applicant.content()
    applicant.fill("textarea[name=answer]", "Here it is, signed by the minister.")
    applicant.set_input_files("input[name=documents]", _decree(tmp_path))
    _submit(applicant, "Send the answer")
    assert "Here it is" in applicant.content()

    desk.goto(application_page)
    _submit(desk, "Approve")
    db.session.expire_all()
    post = db.session.scalar(select(Post).where(Post.code == "pt"))
    assert post is not None
    assert post.status is PostStatus.VERIFIED
    assert post.community_id
    post_id, currency, created = post.id, post.currency, post.created_at.date()
    db.session.rollback()  # hold no transaction: SQLite would keep the server waiting
    applicant.goto(tracking)
    assert "verified" in applicant.content().lower()

    desk.goto(application_page)
    desk.fill("input[name$=name]", "Inês Costa")
    desk.fill("input[name$=email]", "manager@ctt.example")
    _submit(desk, "Invite the manager")
    welcome = _mail_link("manager@ctt.example", r"http\S+/manage/welcome/\S+")
    manager = browser.new_context(locale="en-GB").new_page()
    manager.goto(welcome)
    manager.fill("input[name=password]", MANAGER_PASSWORD)
    manager.fill("input[name=confirm]", MANAGER_PASSWORD)
    _submit(manager, "Set my password")

    desk.goto(live_mall.portal("/operator/posts/pt"))
    desk.fill("input[name=name]", "portugalstamps.post")
    _submit(desk, "Register this name")
    assert "portugalstamps" in desk.content()
    _submit(desk, "Open the storefront")
    assert "The storefront is open." in desk.content()

    # The post's manager would now publish its catalogue; one issue stands for it here.
    issue = Issue(post_id=post_id, slug="azulejos", title={"en": "Azulejos"},
                  issue_date=created)
    from mall.catalogue.models import Condition, Product, ProductFormat
    from mall.columns import utcnow

    issue.published_at = utcnow()
    db.session.add(issue)
    db.session.flush()
    db.session.add(Product(post_id=post_id, issue_id=issue.id, sku="PT-AZ-1",
                           format=ProductFormat.SINGLE, condition=Condition.MINT,
                           price_minor=150, currency=currency, stock=20))
    db.session.commit()

    collector = browser.new_context(locale="en-GB").new_page()
    collector.goto(live_mall.storefront("pt"))
    assert "Verified post" in collector.content()
    collector.goto(live_mall.url("portugalstamps", "/issues/azulejos"))
    assert "Azulejos" in collector.content()
    _submit(collector, "Add to cart")
    collector.wait_for_load_state()
    assert collector.url.startswith(live_mall.url("portugalstamps", "/"))
    collector.goto(live_mall.portal("/cart"))
    assert "Azulejos" in collector.content()
