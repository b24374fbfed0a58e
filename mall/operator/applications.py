"""Applications at the operator's desk: the list by status, one application with its
documents and thread, and the decisions — approve (the post and its Community ID), reject
with reasons, ask for more — then the invitation of the new post's first manager. Each
decision is the domain's (`mall.onboarding.services`), audited and mailed there."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from mall.audit.labels import action_label
from mall.audit.services import entries_about
from mall.columns import utcnow
from mall.extensions import db
from mall.media.storage import documents_storage
from mall.onboarding.forms import AskForm, DecisionForm, InviteForm, RejectForm, new_key
from mall.onboarding.models import Application, ApplicationDocument, ApplicationStatus
from mall.onboarding.services import (
    OnboardingRefused,
    Problem,
    applications,
    approve,
    ask,
    invite_first_manager,
    load_application,
    reject,
    staff_of,
    status_counts,
)
from mall.operator.auth import current_operator, operator_required
from mall.operator.views import bp
from mall.pagination import requested_page

#: Each decision's form: its class, and the prefix that keeps its fields apart on the page.
FORMS: dict[str, type[DecisionForm]] = {"approve": DecisionForm, "reject": RejectForm,
                                        "ask": AskForm}


@bp.get("/applications")
@operator_required
def applications_list() -> ResponseReturnValue:
    try:
        status = ApplicationStatus(request.args.get("status", ApplicationStatus.SUBMITTED.value))
    except ValueError:
        abort(404)
    page = db.paginate(applications(status), page=requested_page(),
                       per_page=current_app.config["OPERATOR_PAGE_SIZE"], error_out=False)
    return render_template("operator/applications.html", page=page, status=status,
                           counts=status_counts(db.session), statuses=list(ApplicationStatus))


def _application(application_id: int) -> Application:
    return load_application(db.session, application_id) or abort(404)


@bp.get("/applications/<int:application_id>")
@operator_required
def application(application_id: int) -> ResponseReturnValue:
    return _page(_application(application_id), {}, 200)


def _page(application: Application, forms: dict[str, Any], status: int) -> ResponseReturnValue:
    decisions = {name: forms.get(name) or form(formdata=None, prefix=name,
                                                 data={"key": new_key()})
                 for name, form in FORMS.items()}
    invite = forms.get("invite") or InviteForm(formdata=None, prefix="invite")
    return render_template(
        "operator/application.html", application=application, forms=decisions,
        invite=invite,
        staff=staff_of(db.session, application.post) if application.post else [],
        history=entries_about(db.session, "application", application.id),
        action_label=action_label,
    ), status


def _decide(application_id: int, name: str,
            decide: Callable[[Application, Any], bool]) -> ResponseReturnValue:
    application = _application(application_id)
    form = FORMS[name](prefix=name)
    if not form.validate_on_submit():
        if form.key.errors:
            form.form_errors.append(_("This form has expired: please try again."))
            form.key.data = new_key()
        return _page(application, {name: form}, 400)
    try:
        done = decide(application, form)
    except OnboardingRefused as refused:
        db.session.rollback()
        form.form_errors.append(_problem(refused))
        form.key.data = new_key()
        return _page(_application(application_id), {name: form},
                     400 if refused.problem is Problem.EXPIRED else 409)
    if done:
        flash({
            "approve": _("Approved: the post %(code)s is verified, with Community ID %(id)s. "
                         "Invite its first manager below.",
                         code=application.country,
                         id=application.post.community_id if application.post else ""),
            "reject": _("Rejected: the applicant is told why."),
            "ask": _("Your question is sent to the applicant."),
        }[name], "success")
    else:
        flash(_("This decision was already made: nothing was changed."), "info")
    return redirect(url_for("operator.application", application_id=application.id))


def _problem(refused: OnboardingRefused) -> str:
    if refused.problem is Problem.COUNTRY_SERVED:
        return _("%(country)s already has its post on the mall: it cannot have a second one.",
                 country=refused.post.code.upper() if refused.post else "")
    return {
        Problem.NOT_OPEN: _("This application is decided already."),
        Problem.NO_CURRENCY: _("No currency is known for this country: the post cannot be "
                               "made."),
        Problem.CONFLICT: _("Another decision was taken at the same moment: reload the page "
                            "and look again."),
        Problem.EXPIRED: _("This form has expired: please try again."),
    }.get(refused.problem, _("Nothing was changed."))


@bp.post("/applications/<int:application_id>/approve")
@operator_required
def approve_application(application_id: int) -> ResponseReturnValue:
    return _decide(application_id, "approve", lambda application, form: approve(
        db.session, application, current_operator(), form.key.data, utcnow()))


@bp.post("/applications/<int:application_id>/reject")
@operator_required
def reject_application(application_id: int) -> ResponseReturnValue:
    return _decide(application_id, "reject", lambda application, form: reject(
        db.session, application, form.reasons.data, current_operator(), form.key.data,
        utcnow()))


@bp.post("/applications/<int:application_id>/ask")
@operator_required
def ask_applicant(application_id: int) -> ResponseReturnValue:
    return _decide(application_id, "ask", lambda application, form: ask(
        db.session, application, form.question.data, current_operator(), form.key.data,
        utcnow()))


@bp.post("/applications/<int:application_id>/invite")
@operator_required
def invite_manager(application_id: int) -> ResponseReturnValue:
    application = _application(application_id)
    form = InviteForm(prefix="invite")
    if not form.validate_on_submit():
        return _page(application, {"invite": form}, 400)
    try:
        member = invite_first_manager(db.session, application, form.email.data or "",
                                      form.name.data or "", current_operator())
    except OnboardingRefused as refused:
        db.session.rollback()
        if refused.problem is Problem.TAKEN:
            form.email.errors.append(_("This address has a staff account already (or was "
                                       "invited already)."))
        else:
            form.form_errors.append(_("Approve the application before inviting its "
                                      "manager."))
        return _page(_application(application_id), {"invite": form},
                     400 if refused.problem is Problem.TAKEN else 409)
    flash(_("%(name)s is invited by mail to manage %(post)s's back office.", name=member.name,
            post=application.country), "success")
    return redirect(url_for("operator.application", application_id=application.id))


@bp.get("/applications/<int:application_id>/documents/<int:document_id>")
@operator_required
def application_document(application_id: int, document_id: int) -> ResponseReturnValue:
    """A document as it was sent, as a download (never shown inline)."""
    document = db.session.get(ApplicationDocument, document_id)
    if document is None or document.application_id != application_id:
        abort(404)
    data = documents_storage().read(document.key)
    if data is None:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
