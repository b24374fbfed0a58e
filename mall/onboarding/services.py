"""Applying, answering, and the operator's decisions on an application.

Each function takes a session and plain values, flushes and never commits. A decision
(approve, reject, ask) carries its form's one-time key: a replayed form finds the step it
made and changes nothing. Each decision changes the status with one conditional update, so
of two decisions racing only one is taken; it is written to the audit log, and the
applicant is mailed at every change of status."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mall.audit.services import record
from mall.i18n import country_name
from mall.i18n import lazy_translate as _l
from mall.mail import send_templated_mail
from mall.media.documents import CheckedDocument, store_document
from mall.media.storage import documents_storage
from mall.onboarding.countries import currency_of, languages_of
from mall.onboarding.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    EventKind,
)
from mall.onboarding.tracking import tracking_link
from mall.operator.invitations import InvitationRefused, invite
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import Post, PostStatus

#: A post in one of these states serves its country: nobody else may apply for it.
SERVING = (PostStatus.VERIFIED, PostStatus.LIVE, PostStatus.SUSPENDED)
OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED)


class Problem(enum.Enum):
    #: The country has a verified post already (or one is being made).
    COUNTRY_SERVED = "country_served"
    #: The application was decided already.
    NOT_OPEN = "not_open"
    #: An answer, while no question waits for one.
    NOT_ASKED = "not_asked"
    #: CLDR knows no currency for the country.
    NO_CURRENCY = "no_currency"
    #: Another decision was taken at the same moment.
    CONFLICT = "conflict"
    #: The decision form's key belongs to another application.
    EXPIRED = "expired"
    #: A manager is invited once the application is approved.
    NOT_APPROVED = "not_approved"
    #: The invited address has a staff account already.
    TAKEN = "taken"


class OnboardingRefused(Exception):
    def __init__(self, problem: Problem, post: Post | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.post = post


@dataclass(frozen=True, slots=True)
class ApplicationDetails:
    """What the apply form asks."""

    organisation: str
    country: str
    designated_operator: bool
    statement: str
    contact_name: str
    contact_email: str
    contact_phone: str


@dataclass(frozen=True, slots=True)
class Submitted:
    application: Application
    #: The same form was posted before: `application` is the one it made then.
    replayed: bool


# --- reading ---------------------------------------------------------------------------------


def serving_post(session: Session, country: str) -> Post | None:
    """The verified (or live, or suspended) post of `country`, if it has one."""
    return session.scalar(select(Post).where(Post.code == country.lower(),
                                             Post.status.in_(SERVING)))


def applications(status: ApplicationStatus) -> Select[tuple[Application]]:
    """Applications in `status`: those waiting the longest first, decided ones newest first."""
    order = ((Application.updated_at, Application.id) if status.is_open
             else (Application.decided_at.desc(), Application.id.desc()))
    return select(Application).where(Application.status == status).order_by(*order)


def status_counts(session: Session) -> dict[ApplicationStatus, int]:
    counts = dict.fromkeys(ApplicationStatus, 0)
    for status, n in session.execute(
        select(Application.status, func.count(Application.id)).group_by(Application.status)
    ):
        counts[status] = n
    return counts


def load_application(session: Session, application_id: int) -> Application | None:
    """The application with its documents, its thread and its post (four queries)."""
    return session.scalar(
        select(Application).where(Application.id == application_id)
        .options(selectinload(Application.documents),
                 selectinload(Application.events).joinedload(ApplicationEvent.staff),
                 selectinload(Application.post))
    )


def staff_of(session: Session, post: Post) -> list[StaffMember]:
    return list(session.scalars(
        select(StaffMember).where(StaffMember.post_id == post.id).order_by(StaffMember.id)
    ))


# --- the applicant ---------------------------------------------------------------------------


def submit(session: Session, details: ApplicationDetails, documents: Sequence[CheckedDocument],
           form_key: str, locale: str, now: datetime) -> Submitted:
    """A new application, its documents stored and the applicant mailed their tracking
    link. Raises `OnboardingRefused(COUNTRY_SERVED)` for a country a post serves already."""
    earlier = session.scalar(select(Application).where(Application.form_key == form_key))
    if earlier is not None:
        return Submitted(earlier, replayed=True)
    post = serving_post(session, details.country)
    if post is not None:
        raise OnboardingRefused(Problem.COUNTRY_SERVED, post)
    application = Application(
        tracking_nonce=secrets.token_hex(16), form_key=form_key,
        organisation=details.organisation, country=details.country.upper(),
        designated_operator=details.designated_operator, statement=details.statement,
        contact_name=details.contact_name, contact_email=details.contact_email,
        contact_phone=details.contact_phone, locale=locale,
        status=ApplicationStatus.SUBMITTED, created_at=now, updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(application)
            session.flush()
    except IntegrityError:  # the same form, posted twice at once: the other post made it
        earlier = session.scalar(select(Application).where(Application.form_key == form_key))
        if earlier is None:
            raise
        return Submitted(earlier, replayed=True)
    session.add(ApplicationEvent(application_id=application.id, kind=EventKind.SUBMITTED,
                                 created_at=now))
    _attach(session, application, documents, now)
    _mail(application, "submitted")
    return Submitted(application, replayed=False)


def answer(session: Session, application: Application, text: str,
           documents: Sequence[CheckedDocument], now: datetime) -> None:
    """The applicant's answer to the operator's question (with more documents, perhaps):
    the application waits for the operator again. Raises `OnboardingRefused(NOT_ASKED)`
    when no question waits (answered already: a replayed form changes nothing)."""
    changed = session.execute(
        update(Application)
        .where(Application.id == application.id,
               Application.status == ApplicationStatus.INFO_REQUESTED)
        .values(status=ApplicationStatus.SUBMITTED, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(application)
    if not changed:
        raise OnboardingRefused(Problem.NOT_ASKED)
    session.add(ApplicationEvent(application_id=application.id, kind=EventKind.ANSWER,
                                 text=text, created_at=now))
    _attach(session, application, documents, now)
    _mail(application, "answered")


def _attach(session: Session, application: Application, documents: Sequence[CheckedDocument],
            now: datetime) -> None:
    storage = documents_storage()
    for document in documents:
        stored = store_document(document, storage)
        session.add(ApplicationDocument(
            application_id=application.id, key=stored.key, content_type=stored.content_type,
            size=stored.size, filename=stored.filename, uploaded_at=now,
        ))
    session.flush()


# --- the operator's decisions ----------------------------------------------------------------


def approve(session: Session, application: Application, staff: StaffMember, key: str,
            now: datetime) -> bool:
    """Verify the applicant: the post of its country is made, VERIFIED, with a fresh
    Community ID. False when this form was posted before (nothing changes)."""
    if _claim(session, application, EventKind.APPROVED, key, staff, now) is None:
        return False
    before = _move(session, application, ApplicationStatus.APPROVED, staff, now)
    post = _make_post(session, application, now)
    application.post_id = post.id
    session.flush()
    record(session, staff, "application.approve", application,
           before={"status": before},
           after={"status": application.status, "post": post.code,
                  "community_id": post.community_id})
    _mail(application, "approved", community_id=post.community_id or "")
    return True


def reject(session: Session, application: Application, reasons: str, staff: StaffMember,
           key: str, now: datetime) -> bool:
    if _claim(session, application, EventKind.REJECTED, key, staff, now, reasons) is None:
        return False
    before = _move(session, application, ApplicationStatus.REJECTED, staff, now)
    record(session, staff, "application.reject", application, before={"status": before},
           after={"status": application.status}, note=reasons)
    _mail(application, "rejected", text=reasons)
    return True


def ask(session: Session, application: Application, question: str, staff: StaffMember,
        key: str, now: datetime) -> bool:
    """Ask the applicant for more information; they answer on the tracking page."""
    if _claim(session, application, EventKind.QUESTION, key, staff, now, question) is None:
        return False
    before = _move(session, application, ApplicationStatus.INFO_REQUESTED, None, now)
    record(session, staff, "application.ask", application, before={"status": before},
           after={"status": application.status}, note=question)
    _mail(application, "question", text=question)
    return True


def invite_first_manager(session: Session, application: Application, email: str, name: str,
                         staff: StaffMember) -> StaffMember:
    """Invite a manager of the approved applicant's post by mail (`mall.operator.invitations`)."""
    post = application.post
    if application.status is not ApplicationStatus.APPROVED or post is None:
        raise OnboardingRefused(Problem.NOT_APPROVED)
    try:
        member = invite(session, post, email, name, StaffRole.POST_MANAGER, staff)
    except InvitationRefused as refused:
        raise OnboardingRefused(Problem.TAKEN) from refused
    record(session, staff, "staff.invite", member,
           after={"email": member.email, "role": member.role, "post": post.code},
           note=f"application {application.id}")
    return member


def _claim(session: Session, application: Application, kind: EventKind, key: str,
           staff: StaffMember, now: datetime, text: str = "") -> ApplicationEvent | None:
    """The decision's step in the thread, claiming the form's key; None when the key made
    a step before (a replayed form, maybe posted twice at once)."""
    earlier = session.scalar(select(ApplicationEvent).where(ApplicationEvent.key == key))
    if earlier is None:
        event = ApplicationEvent(application_id=application.id, kind=kind, text=text, key=key,
                                 staff_id=staff.id, created_at=now)
        try:
            with session.begin_nested():
                session.add(event)
                session.flush()
            return event
        except IntegrityError:
            earlier = session.scalar(select(ApplicationEvent).where(ApplicationEvent.key == key))
            if earlier is None:
                raise
    if earlier.application_id != application.id:
        raise OnboardingRefused(Problem.EXPIRED)
    return None


def _move(session: Session, application: Application, to: ApplicationStatus,
          staff: StaffMember | None, now: datetime) -> ApplicationStatus:
    """Open → `to`, in one conditional update; the status it had. A decision records who
    took it (`staff`); a question does not decide."""
    before = application.status
    values: dict[str, object] = {"status": to, "updated_at": now}
    if staff is not None:
        values |= {"decided_at": now, "decided_by_id": staff.id}
    changed = session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status.in_(OPEN))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(application)
    if not changed:
        raise OnboardingRefused(Problem.NOT_OPEN)
    return before


def _make_post(session: Session, application: Application, now: datetime) -> Post:
    """The applicant's post, VERIFIED: code, currency and languages from its country (CLDR),
    names from the application. Its storefront opens later, once registered (`go_live`)."""
    code = application.country.lower()
    existing = session.scalar(select(Post).where(Post.code == code))
    if existing is not None:
        raise OnboardingRefused(Problem.COUNTRY_SERVED, existing)
    currency = currency_of(application.country, now.date())
    if currency is None:
        raise OnboardingRefused(Problem.NO_CURRENCY)
    languages = languages_of(application.country)
    organisation = dict.fromkeys(languages, application.organisation)
    post = Post(
        code=code, name=organisation, shop_name=dict(organisation),
        country_name={language: country_name(application.country, language)
                      for language in languages},
        default_locale=languages[0], locales=languages, currency=currency,
        status=PostStatus.VERIFIED, verified_at=now,
        community_id=next_community_id(session, application.country, now.year),
    )
    try:
        with session.begin_nested():
            session.add(post)
            session.flush()
    except IntegrityError as error:  # the same code or Community ID, taken in this instant
        raise OnboardingRefused(Problem.CONFLICT) from error
    return post


def next_community_id(session: Session, country: str, year: int) -> str:
    """`POST-UY-2026-0001`: the country, the year, and the year's next serial number."""
    issued = session.scalars(
        select(Post.community_id).where(Post.community_id.like(f"POST-__-{year}-____"))
    )
    serial = max((int(cid[-4:]) for cid in issued if cid and cid[-4:].isdigit()), default=0)
    return f"POST-{country.upper()}-{year}-{serial + 1:04d}"


# --- mail ------------------------------------------------------------------------------------

def _subject(what: str, country: str) -> object:
    # Literal msgids, so that they can be extracted.
    return {
        "submitted": _l("We received your application for %(country)s", country=country),
        "answered": _l("We received your answer about your application for %(country)s",
                       country=country),
        "question": _l("A question about your application for %(country)s", country=country),
        "approved": _l("Your application for %(country)s is approved", country=country),
        "rejected": _l("Your application for %(country)s was not approved", country=country),
    }[what]


def _mail(application: Application, what: str, text: str = "", community_id: str = "") -> None:
    """Tell the applicant, in the language they applied in, with their tracking link."""
    country = country_name(application.country, application.locale)
    send_templated_mail(
        application.contact_email, "application_status", _subject(what, country),
        application.locale, application=application, what=what, text=text, country=country,
        community_id=community_id, link=tracking_link(application),
    )
