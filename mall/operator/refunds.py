"""Refunds at the operator's desk: the ones still owed to buyers (paid by bank or at a
counter, or a card refund Stripe refused), recorded as sent once the operator's bank has
sent them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mall.audit.services import record
from mall.columns import utcnow
from mall.extensions import db
from mall.i18n import money_filter
from mall.operator.auth import current_operator, operator_required
from mall.operator.forms import ReferenceForm
from mall.operator.views import bp
from mall.settlement.models import Refund, RefundStatus
from mall.settlement.refunds import record_bank_refund


@bp.get("/refunds")
@operator_required
def refunds() -> ResponseReturnValue:
    return _page(None, None, 200)


def _page(form: ReferenceForm | None, failed: int | None, status: int) -> ResponseReturnValue:
    owed = list(db.session.scalars(
        select(Refund)
        .where(Refund.status.in_((RefundStatus.PENDING, RefundStatus.FAILED)),
               Refund.paid_minor == 0)
        .options(joinedload(Refund.order))
        .order_by(Refund.created_at, Refund.id)
    ))
    failed_cards = list(db.session.scalars(
        select(Refund).where(Refund.status == RefundStatus.FAILED, Refund.paid_minor > 0)
        .options(joinedload(Refund.order)).order_by(Refund.id)
    ))
    forms = {refund.id: form if refund.id == failed and form else
             ReferenceForm(prefix=f"refund-{refund.id}") for refund in owed + failed_cards}
    recent = list(db.session.scalars(
        select(Refund).where(Refund.status == RefundStatus.DONE)
        .options(joinedload(Refund.order))
        .order_by(Refund.done_at.desc(), Refund.id.desc()).limit(10)
    ))
    return render_template("operator/refunds.html", owed=owed, failed_cards=failed_cards,
                           forms=forms, recent=recent), status


@bp.post("/refunds/<int:refund_id>/sent")
@operator_required
def refund_sent(refund_id: int) -> ResponseReturnValue:
    refund = db.session.get(Refund, refund_id) or abort(404)
    form = ReferenceForm(prefix=f"refund-{refund.id}")
    if not form.validate_on_submit():
        return _page(form, refund.id, 400)
    if record_bank_refund(db.session, refund, form.reference.data or "", current_operator(),
                          utcnow()):
        record(db.session, current_operator(), "refund.sent", refund,
               after={"status": refund.status, "reference": refund.reference})
        flash(_("Refund of %(amount)s to the buyer of %(code)s recorded as sent.",
                amount=money_filter(refund.presentment), code=refund.order.code), "success")
    else:
        flash(_("This refund was already recorded as sent."), "info")
    return redirect(url_for("operator.refunds"))
