"""The privacy page (`/privacy`, public) and "Your data" (`/account/privacy`: a copy of
everything, or the erasure of the account), at the portal."""

from __future__ import annotations

import contextlib

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mall.accounts.lockout import throttled_page
from mall.accounts.models import Buyer
from mall.accounts.services import SignInFailed, confirm_password
from mall.accounts.signing import client_address, end_session
from mall.accounts.throttling import Throttled
from mall.columns import utcnow
from mall.extensions import db
from mall.i18n import lazy_translate as _l
from mall.mail import MailError, send_templated_mail
from mall.privacy.forms import EraseForm, ExportForm
from mall.privacy.registry import ErasureRefused
from mall.privacy.services import collect, erase, export_archive
from mall.transaction import keep_changes

#: At the portal (`subdomain=PORTAL_SUBDOMAIN`).
bp = Blueprint("privacy", __name__)

TEMPLATE = "privacy/your_data.html"


@bp.get("/privacy")
def page() -> ResponseReturnValue:
    return render_template("privacy/page.html")


@bp.get("/account/privacy")
@login_required
def your_data() -> ResponseReturnValue:
    return _your_data_page(ExportForm(prefix="export"), EraseForm(prefix="erase"))


@bp.post("/account/privacy/export")
@login_required
def export() -> ResponseReturnValue:
    """A zip of everything the mall keeps about the buyer (`data.json` and a CSV per
    table); never stored by a browser or a cache."""
    form = ExportForm(prefix="export")
    refused = _refusal(form, form, EraseForm(prefix="erase", formdata=None))
    if refused is not None:
        return refused
    buyer = _buyer()
    now = utcnow()
    archive = export_archive(collect(db.session, buyer), now)
    name = f"stamps-post-data-{now:%Y-%m-%d}.zip"
    return archive, 200, {
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    }


@bp.post("/account/privacy/erase")
@login_required
def erase_account() -> ResponseReturnValue:
    """Erase the account: signed out on every host and browser (the account and its visits
    are gone), a confirmation mailed to the address it had."""
    form, export_form = EraseForm(prefix="erase"), ExportForm(prefix="export", formdata=None)
    refused = _refusal(form, export_form, form)
    if refused is not None:
        return refused
    buyer = _buyer()
    email, name, locale = buyer.email, buyer.name, buyer.preferred_locale
    try:
        erase(db.session, buyer, utcnow())
    except ErasureRefused as refusal:
        form.form_errors.append(refusal.reason)
        return _your_data_page(export_form, form, status=409)
    end_session()
    with contextlib.suppress(MailError):  # logged by send_mail; the erasure stands
        send_templated_mail(email, "account_erased", _l("Your stamps.post account is erased"),
                            locale, name=name, privacy_url=url_for(".page", _external=True))
    flash(_("Your account is erased, and you are signed out everywhere. A confirmation is on "
            "its way to your mailbox."), "success")
    return redirect(url_for("portal.home"))


def _buyer() -> Buyer:
    return current_user._get_current_object()


def _refusal(
    form: ExportForm | EraseForm, export_form: ExportForm, erase_form: EraseForm
) -> ResponseReturnValue | None:
    """The page again when `form` (one of the two) is invalid, the password wrong (the
    failure counts like a failed sign-in) or tries are throttled; None to go on."""
    if not form.validate_on_submit():
        return _your_data_page(export_form, erase_form, status=400)
    now = utcnow()
    try:
        confirm_password(db.session, _buyer(), form.password.data, client_address(), now)
    except Throttled as throttled:
        return throttled_page(TEMPLATE, form, throttled, now,
                              export_form=export_form, erase_form=erase_form)
    except SignInFailed:
        keep_changes()  # the failure counts
        form.password.errors.append(_("That is not your password."))
        return _your_data_page(export_form, erase_form, status=400)
    return None


def _your_data_page(
    export_form: ExportForm, erase_form: EraseForm, status: int = 200
) -> ResponseReturnValue:
    return render_template(TEMPLATE, export_form=export_form, erase_form=erase_form), status
