"""Applying at the portal: the form, every way its input can be wrong (each a form error,
never a 500, nothing stored), documents told apart by content, and the tracking page that
only its secret link opens."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from sqlalchemy import func, select

from mall.extensions import db
from mall.media.storage import documents_storage
from mall.onboarding.models import Application, ApplicationDocument, ApplicationStatus
from mall.onboarding.tracking import tracking_token
from tests.onboarding.conftest import APPLY, VALID, mails_to, pdf_bytes, picture_bytes
from tests.support.hosts import PORTAL


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_portal_links_to_the_apply_form(client):
    home = client.get(PORTAL + "/").get_data(as_text=True)
    assert 'href="/apply"' in home or f'href="{APPLY}"' in home
    page = client.get(APPLY)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Sell your post&#39;s stamps here" in html or "Sell your post's stamps here" in html
    assert '<option value="PT">Portugal</option>' in html
    assert 'enctype="multipart/form-data"' in html


def test_an_application_is_received_mailed_and_tracked(send_application, applicant):
    documents = [(pdf_bytes(), "Decreto-Lei 448-99.pdf"), (picture_bytes("JPEG"), "carta.jpg")]
    response = send_application(documents)
    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.status is ApplicationStatus.SUBMITTED
    assert application.country == "PT"
    assert application.organisation == VALID["organisation"]
    assert application.designated_operator
    token = tracking_token(application)
    assert response.location.endswith(f"/apply/{token}")
    stored = db.session.scalars(select(ApplicationDocument).order_by(ApplicationDocument.id)).all()
    assert [(d.content_type, d.filename) for d in stored] == [
        ("application/pdf", "Decreto-Lei 448-99.pdf"), ("image/jpeg", "carta.jpg")]
    assert documents_storage().read(stored[0].key) == documents[0][0]
    assert all(re.fullmatch(r"[0-9a-f]{32}\.(pdf|jpg)", d.key) for d in stored)

    (mail,) = mails_to(VALID["contact_email"])
    assert "We received your application for Portugal" in mail.subject
    assert f"/apply/{token}" in mail.text_body

    page = applicant.get(urljoin(APPLY, response.location))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    assert "Waiting for review" in html
    assert "Decreto-Lei 448-99.pdf" in html
    assert "Your application is received" in html or "your application is received" in html


def test_a_replayed_form_makes_one_application(send_application):
    first = send_application(key="a" * 32)
    again = send_application(key="a" * 32)
    assert first.status_code == again.status_code == 302
    assert again.location == first.location
    assert _count(Application) == 1
    assert _count(ApplicationDocument) == 1
    assert len(mails_to(VALID["contact_email"])) == 1


@pytest.mark.parametrize("field", ["organisation", "country", "designated_operator",
                                   "statement", "contact_name", "contact_email",
                                   "contact_phone"])
def test_each_missing_field_is_a_form_error(send_application, field):
    response = send_application(**{field: None})
    assert response.status_code == 400
    assert "has-error" in response.get_data(as_text=True)
    assert _count(Application) == 0


@pytest.mark.parametrize(("fields", "message"), [
    ({"country": "ZZ"}, "Not a valid choice"),
    ({"country": "XK"}, "Not a valid choice"),
    ({"country": "pt"}, "Not a valid choice"),
    ({"contact_email": "ana-at-ctt"}, "Invalid email address"),
    ({"contact_phone": "call me maybe"}, "Write the phone number in digits"),
    ({"organisation": "CTT\x00"}, "invisible control characters"),
    ({"statement": "Decree\x01 448"}, "invisible control characters"),
    ({"contact_name": "Ana\x1bSousa"}, "invisible control characters"),
    ({"organisation": "x" * 201}, "Field cannot be longer than 200 characters"),
    ({"statement": "   "}, "This field is required"),
])
def test_bad_values_are_form_errors(send_application, fields, message):
    response = send_application(**fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(Application) == 0


@pytest.mark.parametrize(("documents", "message"), [
    ([], "Add at least one document"),
    ([(b"MZ\x90\x00 not a pdf at all", "decree.pdf")], "is not a PDF, PNG or JPEG document"),
    ([(b"<html><script>alert(1)</script></html>", "decree.pdf")], "is not a PDF, PNG or JPEG"),
    ([(b"GIF89a" + b"\x00" * 40, "seal.png")], "is not a PDF, PNG or JPEG document"),
    ([(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "seal.png")], "is not a picture we can read"),
    ([(picture_bytes("PNG")[:60], "seal.png")], "is not a picture we can read"),
    ([(b"", "empty.pdf")], "The file empty.pdf is empty"),
    ([(b"%PDF-1.7\n<< just a header", "cut.pdf")], "is not a complete PDF document"),
    ([(b"%PDF-1.7\n" + b"0" * 5_000_001, "big.pdf")], "is larger than 5 MB"),
    ([(pdf_bytes(), f"d{n}.pdf") for n in range(6)], "Send at most 5 documents at once"),
])
def test_documents_are_checked_by_content_and_size(send_application, documents, message):
    response = send_application(documents)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert _count(Application) == 0
    assert _count(ApplicationDocument) == 0


def test_a_picture_named_pdf_is_taken_as_the_picture_it_is(send_application):
    assert send_application([(picture_bytes("PNG"), "decree.pdf")]).status_code == 302
    document = db.session.scalar(select(ApplicationDocument))
    assert (document.content_type, document.filename) == ("image/png", "decree.png")
    assert document.key.endswith(".png")


def test_a_file_name_cannot_reach_a_folder(send_application):
    assert send_application([(pdf_bytes(), "../../etc/pass\x01wd.pdf")]).status_code == 302
    document = db.session.scalar(select(ApplicationDocument))
    assert document.filename == "pass wd.pdf"


def test_a_country_with_its_verified_post_is_refused_with_a_reason(send_application, make_post):
    make_post("uy")
    response = send_application(country="UY")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Uruguay already has its verified post on the mall, Uruguayan Post" in html
    assert _count(Application) == 0
    assert _count(ApplicationDocument) == 0
    assert mails_to(VALID["contact_email"]) == []


def test_an_expired_form_key_is_a_form_error(send_application):
    response = send_application(key="not-a-key")
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert _count(Application) == 0


def test_odd_values_in_every_field_are_never_a_500(applicant):
    from tests.support.hosts import csrf_token

    for value in ["a\x00b", "\x7f", "y" * 20_000, "-1", str(2**63)]:
        data = dict.fromkeys([*VALID, "key", "documents"], value)
        response = applicant.post(APPLY, data={**data, "csrf_token": csrf_token(applicant,
                                                                                 APPLY)})
        assert response.status_code == 400
    assert _count(Application) == 0


def test_the_tracking_page_opens_with_its_token_only(submitted, applicant, client):
    application = submitted()
    token = tracking_token(application)
    assert client.get(PORTAL + f"/apply/{token}").status_code == 200
    number, signature = token.split("-")
    wrong = [
        "x", "1", f"{number}-", f"{number}-{'0' * 40}", f"{number}-{signature[:-1]}",
        f"{number}-{signature}0", f"{int(number) + 1}-{signature}", f"{2**40}-{signature}",
        f"0{number}-{signature}", f"{number}-{signature.upper()}", "%00", "-1-" + signature,
    ]
    for bad in wrong:
        response = client.get(PORTAL + f"/apply/{bad}")
        assert response.status_code == 404, bad
        assert client.post(PORTAL + f"/apply/{bad}", data={}).status_code in (400, 404)
    other = submitted(country="ES", contact_email="rosa@correos.example")
    assert tracking_token(other) != token
    assert application.organisation in client.get(PORTAL + f"/apply/{token}").get_data(
        as_text=True)


def test_nothing_to_answer_before_a_question(submitted, applicant):
    from tests.support.hosts import csrf_token

    application = submitted()
    url = PORTAL + f"/apply/{tracking_token(application)}"
    assert 'name="answer"' not in applicant.get(url).get_data(as_text=True)
    response = applicant.post(url, data={"csrf_token": csrf_token(applicant, url),
                                         "answer": "Here is more."})
    assert response.status_code == 409
    db.session.expire_all()
    assert application.status is ApplicationStatus.SUBMITTED
    assert len(application.events) == 1
