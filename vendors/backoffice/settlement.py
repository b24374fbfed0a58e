"""A post's money in its back office, for its managers: the monthly statements the operator
settles (on screen, as CSV and as PDF) with the payouts made against them, refunds of an
order's stamps and shipping, and the bank details the post is paid to.

The figures are the settlement's (`mall.settlement`): these pages only show them, and a
refund is decided by `mall.settlement.refunds.refund`, which books it and has the money
move once the request has committed."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4

from babel.dates import format_skeleton
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from mall.columns import utcnow
from mall.extensions import db
from mall.i18n import money_filter
from mall.operator.models import StaffRole
from mall.orders.models import PostOrder
from mall.settlement.bank import BankDetailsError, clean_account, clean_bic, uses_iban
from mall.settlement.downloads import statement_download
from mall.settlement.models import (
    PayoutAccount,
    PayoutMethod,
    Refund,
    RefundStatus,
    Statement,
    StatementStatus,
)
from mall.settlement.payouts import payout_account
from mall.settlement.refunds import (
    Problem,
    RefundRefused,
    RefundRequest,
    refund,
    refund_by_key,
)
from mall.settlement.statements import statement_lines
from mall.tenancy import current_post, get_owned_or_404, scoped
from vendors.backoffice.access import current_post_staff, staff_required
from vendors.backoffice.blueprint import bp
from vendors.backoffice.forms import (
    REFUND_KEY_PATTERN,
    PayoutDetailsForm,
    ShipForm,
    refund_form,
)
from vendors.backoffice.fulfilment import order_page

LABELS: dict[enum.Enum, LazyString] = {
    StatementStatus.DRAFT: _l("Draft"),
    StatementStatus.APPROVED: _l("Approved"),
    StatementStatus.PAID: _l("Paid"),
    PayoutMethod.STRIPE: _l("Stripe transfer"),
    PayoutMethod.BANK_TRANSFER: _l("Bank transfer"),
    PayoutMethod.UPU_CLEARING: _l("UPU clearing"),
    RefundStatus.PENDING: _l("Pending"),
    RefundStatus.DONE: _l("Refunded"),
    RefundStatus.FAILED: _l("Failed"),
}

#: Why a refund was refused, as the manager reads it.
REFUSALS: dict[Problem, LazyString] = {
    Problem.NOT_PAID: _l("This order is not paid: there is nothing to refund."),
    Problem.NOTHING: _l("Choose how many stamps to refund, or the shipping."),
    Problem.TOO_MANY: _l("That is more than is left to refund of this line."),
    Problem.UNKNOWN_LINE: _l("This line is not part of the order."),
    Problem.SHIPPING_REFUNDED: _l("The shipping was already refunded."),
}


@bp.context_processor
def _settlement_words() -> dict[str, Any]:
    return {"settlement_label": settlement_label, "month_name": month_name}


def settlement_label(member: enum.Enum) -> str:
    """What a manager reads for a statement's or a refund's status, or a payout method."""
    return str(LABELS[member])


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
    """Refund some of the order's stamps and/or its shipping. The form's one-time key makes
    a replayed form find the refund it made instead of making another."""
    post_order = get_owned_or_404(PostOrder, post_order_id)
    form = refund_form(post_order)
    key = form.key.data if isinstance(form.key.data, str) else ""
    # The key is checked before any quantity: replayed, the form asks for stamps that its
    # first post already refunded.
    earlier = refund_by_key(db.session, key) if re.fullmatch(REFUND_KEY_PATTERN, key) else None
    if earlier is not None:
        return _replayed(post_order, earlier, form)
    if not form.validate_on_submit():
        if form.key.errors:
            _expired(form)
        return _refund_refused(post_order, form)
    wanted = RefundRequest(
        key=key,
        quantities={line.id: form[f"quantity_{line.id}"].data or 0
                    for line in post_order.lines if f"quantity_{line.id}" in form},
        # Asked again in a form drawn before it was refunded: the refusal says so.
        shipping=bool(form.shipping.data) if "shipping" in form
        else post_order.shipping_refunded and "shipping" in request.form,
        restock=bool(form.restock.data),
        reason=form.reason.data or "",
    )
    try:
        made = refund(db.session, post_order, wanted, current_post_staff(), utcnow())
    except RefundRefused as refused:
        earlier = refund_by_key(db.session, key)  # the same form, posted twice at once
        if earlier is not None:
            return _replayed(post_order, earlier, form)
        _explain(form, refused)
        return _refund_refused(post_order, form)
    except IntegrityError:  # the same form's other post took the key first
        earlier = refund_by_key(db.session, key)
        if earlier is None:
            raise
        return _replayed(post_order, earlier, form)
    flash(_("%(amount)s of order %(code)s is refunded: the buyer gets %(back)s back and is "
            "told by mail.", amount=money_filter(made.gross), code=post_order.order.code,
            back=money_filter(made.presentment)), "success")
    return redirect(url_for(".post_order", post_order_id=post_order.id))


def _replayed(post_order: PostOrder, earlier: Refund, form: Any) -> ResponseReturnValue:
    if earlier.post_order_id != post_order.id:  # a key is only ever drawn into one form
        _expired(form)
        return _refund_refused(post_order, form)
    flash(_("This refund was already made: it is listed below."), "info")
    return redirect(url_for(".post_order", post_order_id=post_order.id))


def _expired(form: Any) -> None:
    """The form's key is not one this page drew: say so, and draw a new one."""
    form.form_errors.append(_("This form has expired: please check it and send it again."))
    form.key.data = uuid4().hex


def _explain(form: Any, refused: RefundRefused) -> None:
    """Put the refusal's reason on the field it is about (the form's top otherwise)."""
    message = str(REFUSALS[refused.problem])
    name = None
    if refused.problem is Problem.TOO_MANY and refused.line is not None:
        name = f"quantity_{refused.line.id}"
    elif refused.problem is Problem.SHIPPING_REFUNDED:
        name = "shipping"
    if name is not None and name in form:
        form[name].errors.append(message)
    else:
        form.form_errors.append(message)


def _refund_refused(post_order: PostOrder, form: Any) -> ResponseReturnValue:
    return order_page(post_order, ShipForm(formdata=None), 400, refund=form)


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
