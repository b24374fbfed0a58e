"""A post's money in its back office, for its managers: the monthly statements the operator
settles (on screen, as CSV and as PDF) with the payouts made against them, refunds of an
order's stamps and shipping, and the bank details the post is paid to.

The figures are the settlement's (`mall.settlement`): these pages only show them, and a
refund is decided by `mall.settlement.refunds.refund`, which books it and has the money
move once the request has committed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from babel.dates import format_skeleton
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from mall.columns import utcnow
from mall.extensions import db
from mall.operator.models import StaffRole
from mall.orders.models import PostOrder
from mall.settlement.bank import BankDetailsError, clean_account, clean_bic, uses_iban
from mall.settlement.downloads import statement_download
from mall.settlement.models import (
    PayoutAccount,
    PayoutMethod,
    Statement,
)
from mall.settlement.payouts import payout_account
from mall.settlement.refund_forms import refund_made_message, submit_refund_form
from mall.settlement.statements import statement_lines
from mall.tenancy import current_post, get_owned_or_404, scoped
from vendors.backoffice.access import current_post_staff, staff_required
from vendors.backoffice.blueprint import bp
from vendors.backoffice.forms import PayoutDetailsForm, ShipForm
from vendors.backoffice.fulfilment import order_page


@bp.context_processor
def _settlement_words() -> dict[str, Any]:
    return {"month_name": month_name}


def month_name(period: date) -> str:
    """A statement's month in the page's language ("November 2026", "noviembre de 2026")."""
    return format_skeleton("yMMMM", period, locale=str(get_locale() or "en"))


# --- statements ---------------------------------------------------------------------------


@bp.get("/statements")
@staff_required(StaffRole.POST_MANAGER)
def statements() -> ResponseReturnValue:
    found = db.session.scalars(scoped(Statement).order_by(Statement.period.desc())).all()
    return render_template("backoffice/statements.html", statements=found)


@bp.get("/statements/<int:statement_id>")
@staff_required(StaffRole.POST_MANAGER)
def statement(statement_id: int) -> ResponseReturnValue:
    found = get_owned_or_404(Statement, statement_id)
    return render_template("backoffice/statement.html", statement=found,
                           lines=statement_lines(db.session, found))


@bp.get("/statements/<int:statement_id>.csv")
@staff_required(StaffRole.POST_MANAGER)
def statement_csv_file(statement_id: int) -> ResponseReturnValue:
    return statement_download(get_owned_or_404(Statement, statement_id), "csv")


@bp.get("/statements/<int:statement_id>.pdf")
@staff_required(StaffRole.POST_MANAGER)
def statement_pdf_file(statement_id: int) -> ResponseReturnValue:
    return statement_download(get_owned_or_404(Statement, statement_id), "pdf")


# --- refunds ------------------------------------------------------------------------------


@bp.post("/orders/<int:post_order_id>/refund")
@staff_required(StaffRole.POST_MANAGER)
def refund_order(post_order_id: int) -> ResponseReturnValue:
    """Refund some of the order's stamps and/or its shipping (`mall.settlement.refund_forms`:
    the form's one-time key makes a replayed form find the refund it made)."""
    post_order = get_owned_or_404(PostOrder, post_order_id)
    submitted = submit_refund_form(db.session, post_order, current_post_staff(), utcnow())
    if submitted.refund is None:
        return order_page(post_order, ShipForm(formdata=None), 400, refund=submitted.form)
    if submitted.replayed:
        flash(_("This refund was already made: it is listed below."), "info")
    else:
        flash(refund_made_message(submitted.refund), "success")
    return redirect(url_for(".post_order", post_order_id=post_order.id))


# --- payout details -----------------------------------------------------------------------


@bp.route("/settings/payout", methods=["GET", "POST"])
@staff_required(StaffRole.POST_MANAGER)
def payout_details() -> ResponseReturnValue:
    """The bank account the post is paid to; how it is paid is the operator's choice."""
    post = current_post()
    account = db.session.get(PayoutAccount, post.id)  # made on the first save, not on a look
    saved = {"account_holder": account.account_holder, "account_number": account.account_number,
             "bic": account.bic} if account is not None else {}
    form = PayoutDetailsForm(iban=uses_iban(post.code),
                             data=saved if request.method == "GET" else None)
    if form.validate_on_submit():
        number = _cleaned(form.account_number, lambda text: clean_account(text, post.code))
        bic = _cleaned(form.bic, clean_bic)
        if number is not None and bic is not None:
            account = payout_account(db.session, post.id)
            account.account_holder = form.account_holder.data
            account.account_number, account.bic = number, bic
            account.updated_at = utcnow()
            flash(_("The payout details are saved."), "success")
            return redirect(url_for(".payout_details"))
    return render_template(
        "backoffice/payout.html", form=form, post=post,
        # A post without a row yet is paid as `payout_account` will make it: by UPU clearing.
        method=account.method if account is not None else PayoutMethod.UPU_CLEARING,
        stripe_connected=account is not None and bool(account.stripe_account_id),
    ), 400 if form.is_submitted() else 200


def _cleaned(field: Any, clean: Callable[[str], str]) -> str | None:
    """The field's value as `clean` writes it; None, with the reason on the field, if
    the banks would not take it."""
    try:
        return clean(field.data)
    except BankDetailsError as error:
        field.errors.append(str(error.message))
        return None
