"""Fixtures of the onboarding tests: documents as applicants send them, an applicant's
browser that fills the apply form, and the operator's desk."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from fpdf import FPDF
from PIL import Image
from sqlalchemy import select

from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.onboarding.models import Application
from tests.support.client import BrowserClient
from tests.support.desk import desk, operator  # noqa: F401 - fixtures for the operator's pages
from tests.support.hosts import PORTAL, csrf_token

APPLY = PORTAL + "/apply"


def pdf_bytes(text: str = "Decree 42/2026: the designated postal operator") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def picture_bytes(kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(out, kind)
    return out.getvalue()


VALID = {
    "organisation": "CTT — Correios de Portugal",
    "country": "PT",
    "designated_operator": "y",
    "statement": "Designated by Decree-Law 448/99 as Portugal's universal postal operator.",
    "contact_name": "Ana Sousa",
    "contact_email": "ana.sousa@ctt.example",
    "contact_phone": "+351 21 047 1616",
}


def _key(page: str) -> str:
    match = re.search(r'name="key"[^>]*value="([0-9a-f]{32})"', page) or re.search(
        r'value="([0-9a-f]{32})"[^>]*name="key"', page)
    assert match, "no form key on the apply page"
    return match.group(1)


@pytest.fixture
def applicant(app: Flask) -> BrowserClient:
    return BrowserClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def send_application(applicant: BrowserClient) -> Callable[..., Any]:
    """Fill the apply form as a person does (a fresh page, its CSRF token and key), with
    `documents` as (bytes, file name) pairs; other fields override the valid ones."""

    def send(documents: list[tuple[bytes, str]] | None = None, *, key: str | None = None,
             **fields: Any) -> Any:
        page = applicant.get(APPLY)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        data: dict[str, Any] = {**VALID, **fields}
        data = {name: value for name, value in data.items() if value is not None}
        data["csrf_token"] = csrf_token(applicant, APPLY)
        data["key"] = key or _key(html)
        files = documents if documents is not None else [(pdf_bytes(), "decree.pdf")]
        data["documents"] = [(io.BytesIO(content), name) for content, name in files]
        response = applicant.post(APPLY, data=data, content_type="multipart/form-data")
        # Werkzeug's test client spools a large body to a temporary file it never closes.
        response.request.environ["wsgi.input"].close()
        return response

    return send


@pytest.fixture
def submitted(send_application: Callable[..., Any]) -> Callable[..., Application]:
    """A new application, sent through the form; returns it."""

    def make(**fields: Any) -> Application:
        response = send_application(**fields)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        return db.session.scalars(select(Application).order_by(Application.id.desc())).first()

    return make


def mails_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
    ))


def decide(browser: BrowserClient, application: Application, action: str,
           key: str | None = None, **fields: str) -> Any:
    """Post one of the application page's decision forms (`approve`, `reject`, `ask`) with
    its drawn key, or `key`."""
    page_url = PORTAL + f"/operator/applications/{application.id}"
    page = browser.get(page_url).get_data(as_text=True)
    if key is None:
        match = re.search(rf'name="{action}-key"[^>]*value="([0-9a-f]{{32}})"', page) or \
            re.search(rf'value="([0-9a-f]{{32}})"[^>]*name="{action}-key"', page)
        assert match, f"no {action} form on the page"
        key = match.group(1)
    data = {"csrf_token": csrf_token(browser, page_url), f"{action}-key": key}
    data |= {f"{action}-{name}": value for name, value in fields.items()}
    return browser.post(page_url + f"/{action}", data=data)
