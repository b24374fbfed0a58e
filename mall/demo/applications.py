"""The demo's waiting application: CTT — Correios de Portugal applies to sell Portugal's
stamps, with its designation decree as a small PDF, so the operator's desk has one to
verify (approve it, and the new post can register its names and open).

Sent through the same path as the portal's form (`mall.onboarding.services.submit`), so
its applicant mail with the tracking link waits in the demo's outbox. Created once: the
application is found again by its form key, whatever became of it since."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.demo.specs import SeedCounter
from mall.media.documents import check_document
from mall.onboarding.models import Application
from mall.onboarding.services import ApplicationDetails, serving_post, submit

#: The apply form's key of the demo application (a real form draws a random one).
DEMO_FORM_KEY = "demo-application-pt"
SENT_AT = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)

DETAILS = ApplicationDetails(
    organisation="CTT - Correios de Portugal, S.A.",
    country="PT",
    designated_operator=True,
    statement=(
        "CTT is the universal postal service provider of Portugal under the concession "
        "granted by the Portuguese State (Decree-Law 448/99 and Law 17/2012), and Portugal's "
        "designated operator in the Universal Postal Union. Its Philately department issues "
        "the country's stamps."
    ),
    contact_name="Inês Carvalho",
    contact_email="filatelia@ctt.example",
    contact_phone="+351 21 047 1616",
)


def decree_pdf() -> bytes:
    """A one-page stand-in for the designation decree."""
    from fpdf import FPDF  # here: `flask mall` commands are registered in every web worker

    pdf = FPDF()
    pdf.set_title("CTT - designation as universal postal service provider")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 10, "Decree-Law 448/99 (extract)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, (
        "The universal postal service in Portugal is provided by CTT - Correios de Portugal, "
        "S.A., under a concession granted by the State. CTT is the designated operator of "
        "Portugal within the meaning of the Universal Postal Convention.\n\n"
        "Demo document of the Post Mall: not a legal text."
    ))
    return bytes(pdf.output())


def seed_demo_application(session: Session, report: SeedCounter) -> Application | None:
    """The waiting application, sent once (idempotent); none if Portugal has a post."""
    report.saw("applications")
    found = session.scalar(select(Application).where(Application.form_key == DEMO_FORM_KEY))
    if found is not None:
        return found
    if serving_post(session, DETAILS.country) is not None:
        return None
    document = check_document(decree_pdf(), "Decreto-Lei 448-99.pdf",
                              int(current_app.config["DOCUMENT_MAX_BYTES"]))
    submitted = submit(session, DETAILS, [document], DEMO_FORM_KEY, "pt", SENT_AT)
    report.created += 1
    return submitted.application
