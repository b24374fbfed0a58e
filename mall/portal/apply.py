"""Applying to sell on the mall (`stamps.<domain>/apply`), and the applicant's tracking page
(`/apply/<token>`), where they read the operator's questions and answer them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from mall.columns import utcnow
from mall.extensions import db
from mall.i18n import country_name, localized
from mall.onboarding.forms import AnswerForm, ApplicationForm, new_key
from mall.onboarding.models import Application, ApplicationStatus
from mall.onboarding.services import (
    ApplicationDetails,
    OnboardingRefused,
    answer,
    load_application,
    submit,
)
from mall.onboarding.tracking import find_by_token, tracking_token
from mall.portal.views import bp

#: The tracking page carries its secret in the address: not to be cached or indexed.
PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


@bp.route("/apply", methods=["GET", "POST"])
def apply() -> ResponseReturnValue:
    form = ApplicationForm()
    if not form.is_submitted():
        form.key.data = new_key()
        return _apply_page(form, 200)
    if not form.validate_on_submit():
        if form.key.errors:
            form.form_errors.append(_("This form has expired: please send it again."))
            form.key.data = new_key()
        return _apply_page(form, 400)
    details = ApplicationDetails(
        organisation=form.organisation.data or "", country=form.country.data or "",
        designated_operator=bool(form.designated_operator.data),
        statement=form.statement.data or "", contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "", contact_phone=form.contact_phone.data or "",
    )
    try:
        submitted = submit(db.session, details, form.checked, form.key.data or "",
                           str(get_locale() or "en"), utcnow())
    except OnboardingRefused as refused:
        db.session.rollback()
        post = refused.post
        form.country.errors.append(_(
            "%(country)s already has its verified post on the mall, %(post)s: a country's "
            "stamps are sold here by its designated operator only. If you think this is a "
            "mistake, write to the operator.",
            country=country_name(post.code if post else details.country),
            post=localized(post.name) if post else "",
        ))
        return _apply_page(form, 409)
    application = submitted.application
    if not submitted.replayed:
        flash(_("Thank you: your application is received. We sent this page's address to "
                "%(email)s; keep it to follow your application.",
                email=application.contact_email), "success")
    return redirect(url_for("portal.track_application", token=tracking_token(application)))


def _apply_page(form: ApplicationForm, status: int) -> ResponseReturnValue:
    return render_template("portal/apply.html", form=form), status


@bp.route("/apply/<token>", methods=["GET", "POST"])
def track_application(token: str) -> ResponseReturnValue:
    found = find_by_token(db.session, token)
    if found is None:
        abort(404)
    application = load_application(db.session, found.id)
    if application is None:
        abort(404)
    form = AnswerForm() if application.status is ApplicationStatus.INFO_REQUESTED else None
    if request.method == "POST":
        if form is None:
            flash(_("No question is waiting for your answer: nothing was changed."), "info")
            return _track_page(application, None, token, 409)
        if not form.validate_on_submit():
            return _track_page(application, form, token, 400)
        try:
            answer(db.session, application, form.answer.data or "", form.checked, utcnow())
        except OnboardingRefused:
            db.session.rollback()
            flash(_("No question is waiting for your answer: nothing was changed."), "info")
            return _track_page(load_application(db.session, found.id) or application, None,
                               token, 409)
        flash(_("Thank you: your answer is sent to the operator."), "success")
        return redirect(url_for("portal.track_application", token=token))
    return _track_page(application, form, token, 200)


def _track_page(application: Application, form: AnswerForm | None, token: str,
                status: int) -> ResponseReturnValue:
    return render_template("portal/application.html", application=application, form=form,
                           token=token), status, PRIVATE
