"""The operator verifies an application: ask for more → the applicant answers → approve
(the post, VERIFIED, with a fresh Community ID) → invite its first manager; or reject with
reasons. Each decision mails the applicant and is audited once, whatever the replays."""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin

from sqlalchemy import func, select

from mall.audit.models import AuditEntry
from mall.extensions import db
from mall.onboarding.models import ApplicationDocument, ApplicationStatus, EventKind
from mall.onboarding.tracking import tracking_token
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import Post, PostStatus
from tests.onboarding.conftest import VALID, decide, mails_to, picture_bytes
from tests.support.hosts import PORTAL, csrf_token

EMAIL = VALID["contact_email"]


def _audit(action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def _answer(applicant, application, text: str, documents=()):
    url = PORTAL + f"/apply/{tracking_token(application)}"
    data = {"csrf_token": csrf_token(applicant, url), "answer": text,
            "documents": [(io.BytesIO(content), name) for content, name in documents]}
    return applicant.post(url, data=data, content_type="multipart/form-data")


def test_ask_answer_approve_invite(desk, operator, submitted, applicant):
    application = submitted()
    listing = desk.get(PORTAL + "/operator/applications").get_data(as_text=True)
    assert application.organisation in listing
    assert desk.get(PORTAL + f"/operator/applications/{application.id}").status_code == 200

    # Ask for more; the replayed form asks once.
    page = desk.get(PORTAL + f"/operator/applications/{application.id}").get_data(as_text=True)
    key = re.search(r'name="ask-key"[^>]*value="([0-9a-f]{32})"', page).group(1)
    question = "Please send the page of the Diário da República that designates CTT."
    assert decide(desk, application, "ask", key, question=question).status_code == 302
    assert decide(desk, application, "ask", key, question=question).status_code == 302
    db.session.expire_all()
    assert application.status is ApplicationStatus.INFO_REQUESTED
    assert [e.kind for e in application.events] == [EventKind.SUBMITTED, EventKind.QUESTION]
    (asked,) = _audit("application.ask")
    assert (asked.staff_id, asked.staff_name) == (operator.id, operator.name)
    assert asked.before == {"status": "submitted"}
    assert asked.after == {"status": "info_requested"}
    assert asked.note == question
    mail = mails_to(EMAIL)[-1]
    assert "A question about your application for Portugal" in mail.subject
    assert question in mail.text_body
    assert tracking_token(application) in mail.text_body

    # The applicant reads the question and answers, with one more document.
    tracking = applicant.get(PORTAL + f"/apply/{tracking_token(application)}")
    assert question in tracking.get_data(as_text=True)
    assert 'name="answer"' in tracking.get_data(as_text=True)
    assert _answer(applicant, application, "Here it is: page 12.", [(b"%PDF-1.4 nope", "x.pdf")]
                   ).status_code == 400  # a bad file is refused, and nothing is answered
    response = _answer(applicant, application, "Here it is: page 12.",
                       [(picture_bytes("PNG"), "dr-page-12.png")])
    assert response.status_code == 302
    assert _answer(applicant, application, "And again.").status_code == 409  # replayed
    db.session.expire_all()
    assert application.status is ApplicationStatus.SUBMITTED
    assert [e.kind for e in application.events][-1] is EventKind.ANSWER
    assert db.session.scalar(select(func.count(ApplicationDocument.id))) == 2
    assert "We received your answer" in mails_to(EMAIL)[-1].subject
    shown = applicant.get(urljoin(PORTAL + "/", response.location)).get_data(as_text=True)
    assert "Here it is: page 12." in shown
    assert "And again." not in shown

    # Approve: the post exists, VERIFIED, with its Community ID; a replay changes nothing.
    page = desk.get(PORTAL + f"/operator/applications/{application.id}").get_data(as_text=True)
    key = re.search(r'name="approve-key"[^>]*value="([0-9a-f]{32})"', page).group(1)
    assert decide(desk, application, "approve", key).status_code == 302
    told = desk.get(PORTAL + f"/operator/applications/{application.id}").get_data(as_text=True)
    assert re.search(r"Approved: the post PT is verified, with Community ID POST-PT-\d{4}-0001",
                     told)
    replayed = decide(desk, application, "approve", key)
    assert replayed.status_code == 302
    assert "This decision was already made" in desk.get(
        urljoin(PORTAL + "/", replayed.location)).get_data(as_text=True)
    db.session.expire_all()
    (post,) = db.session.scalars(select(Post)).all()
    assert application.status is ApplicationStatus.APPROVED
    assert application.post_id == post.id
    assert application.decided_by_id == operator.id
    assert post.status is PostStatus.VERIFIED
    assert post.code == "pt"
    assert re.fullmatch(r"POST-PT-20\d\d-0001", post.community_id)
    assert post.currency == "EUR"
    assert (post.default_locale, post.locales) == ("pt", ["pt", "en"])
    assert post.country_name == {"pt": "Portugal", "en": "Portugal"}
    assert post.name["pt"] == VALID["organisation"]
    assert post.verified_at is not None
    (approved,) = _audit("application.approve")
    assert approved.before == {"status": "submitted"}
    assert approved.after == {"status": "approved", "post": "pt",
                              "community_id": post.community_id}
    assert approved.target_type == "application"
    assert approved.target_id == str(application.id)
    mail = mails_to(EMAIL)[-1]
    assert "is approved" in mail.subject
    assert post.community_id in mail.text_body
    assert len([m for m in mails_to(EMAIL) if "is approved" in m.subject]) == 1
    tracking = applicant.get(PORTAL + f"/apply/{tracking_token(application)}")
    assert post.community_id in tracking.get_data(as_text=True)

    # A later decision, with a fresh form, is refused: the application is decided.
    late = decide(desk, application, "reject", "b" * 32, reasons="Changed my mind")
    assert late.status_code == 409
    assert decide(desk, application, "ask", "c" * 32, question="One more?").status_code == 409
    db.session.expire_all()
    assert application.status is ApplicationStatus.APPROVED
    assert len(_audit()) == 2

    # The first manager, invited by mail; the same address twice is refused.
    invite_url = PORTAL + f"/operator/applications/{application.id}"
    data = {"csrf_token": csrf_token(desk, invite_url), "invite-name": "Rui Manager",
            "invite-email": "Rui@CTT.example"}
    assert desk.post(invite_url + "/invite", data=data).status_code == 302
    again = desk.post(invite_url + "/invite", data=data)
    assert again.status_code == 400
    assert "has a staff account already" in again.get_data(as_text=True)
    (member,) = db.session.scalars(select(StaffMember).where(StaffMember.post_id == post.id))
    assert (member.email, member.role, member.active) == ("rui@ctt.example",
                                                          StaffRole.POST_MANAGER, False)
    (invited,) = _audit("staff.invite")
    assert invited.after["email"] == "rui@ctt.example"
    assert invited.after["post"] == "pt"
    (invitation,) = mails_to("rui@ctt.example")
    assert "/manage/" in invitation.text_body
    assert "stamps.pt." in invitation.text_body


def test_reject_needs_reasons_and_tells_them(desk, submitted, applicant):
    application = submitted()
    empty = decide(desk, application, "reject", reasons="  ")
    assert empty.status_code == 400
    assert "This field is required" in empty.get_data(as_text=True)
    reasons = "The designation decree names another operator."
    assert decide(desk, application, "reject", reasons=reasons).status_code == 302
    db.session.expire_all()
    assert application.status is ApplicationStatus.REJECTED
    assert db.session.scalar(select(func.count(Post.id))) == 0
    mail = mails_to(EMAIL)[-1]
    assert "was not approved" in mail.subject
    assert reasons in mail.text_body
    page = applicant.get(PORTAL + f"/apply/{tracking_token(application)}").get_data(as_text=True)
    assert reasons in page
    assert "Not approved" in page
    (entry,) = _audit("application.reject")
    assert entry.note == reasons
    assert (entry.before, entry.after) == ({"status": "submitted"}, {"status": "rejected"})
    assert decide(desk, application, "approve", "e" * 32).status_code == 409
    assert db.session.scalar(select(func.count(Post.id))) == 0


def test_a_question_needs_words(desk, submitted):
    application = submitted()
    assert decide(desk, application, "ask", question="").status_code == 400
    assert decide(desk, application, "ask", "nope", question="Why?").status_code == 400
    db.session.expire_all()
    assert application.status is ApplicationStatus.SUBMITTED
    assert _audit() == []


def test_two_applicants_for_one_country_one_post(desk, submitted, send_application):
    first = submitted()
    second = submitted(organisation="Correio Falso", contact_email="x@fake.example")
    assert decide(desk, first, "approve").status_code == 302
    response = decide(desk, second, "approve")
    assert response.status_code == 409
    assert "already has its post on the mall" in response.get_data(as_text=True)
    db.session.expire_all()
    assert second.status is ApplicationStatus.SUBMITTED
    assert db.session.scalar(select(func.count(Post.id))) == 1
    assert len(_audit("application.approve")) == 1
    # A new application for a country now served is refused at the form.
    refused = send_application(organisation="Outro Correio")
    assert refused.status_code == 409
    assert "Portugal already has its verified post" in refused.get_data(as_text=True)


def test_community_ids_count_up_within_the_year(desk, submitted, make_post):
    from mall.columns import utcnow
    from mall.onboarding.services import next_community_id

    year = utcnow().year
    make_post("uy", community_id=f"POST-UY-{year}-0007")
    make_post("nl", community_id=f"POST-NL-{year - 1}-0042")
    application = submitted()
    assert decide(desk, application, "approve").status_code == 302
    db.session.expire_all()
    assert application.post.community_id == f"POST-PT-{year}-0008"
    assert next_community_id(db.session, "es", year + 1) == f"POST-ES-{year + 1}-0001"


def test_a_decision_form_of_another_application_is_refused(desk, submitted):
    first = submitted()
    second = submitted(country="ES", contact_email="rosa@correos.example")
    assert decide(desk, first, "ask", "d" * 32, question="Which decree?").status_code == 302
    response = decide(desk, second, "ask", "d" * 32, question="Which decree?")
    assert response.status_code == 400
    db.session.expire_all()
    assert second.status is ApplicationStatus.SUBMITTED


def test_documents_are_for_the_operator_only(desk, submitted, client, app):
    application = submitted()
    document = application.documents[0]
    url = PORTAL + f"/operator/applications/{application.id}/documents/{document.id}"
    response = desk.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.data.startswith(b"%PDF-")
    assert desk.get(PORTAL + f"/operator/applications/{application.id + 1}/documents/"
                    f"{document.id}").status_code == 404
    assert desk.get(PORTAL + f"/operator/applications/{application.id}/documents/"
                    f"{document.id + 1}").status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/operator/sign-in" in anonymous.location
    # Nowhere public: not under the pictures' media route either.
    assert client.get(PORTAL + f"/media/{document.key}").status_code == 404
