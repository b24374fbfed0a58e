"""Orders at the operator's desk: find one by its code or payment reference, see what each
post shipped and refunded, and refund part of it (the same form as a post's manager has)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mall.audit.services import record
from mall.columns import utcnow
from mall.extensions import db
from mall.operator.auth import current_operator, operator_required
from mall.operator.views import bp
from mall.orders.models import Order, OrderStatus, PostOrder
from mall.orders.references import InvalidReference, order_code_in
from mall.settlement.refund_forms import fresh_refund_form, refund_made_message, submit_refund_form
from mall.settlement.refunds import refunds_of

#: How many recently paid orders the search page lists.
RECENT = 20


@bp.get("/orders")
@operator_required
def orders() -> ResponseReturnValue:
    asked = "".join(request.args.get("q", "").split()).upper()[:40]
    if asked:
        try:
            code = order_code_in(asked)
        except InvalidReference:
            code = ""
        if code and db.session.scalar(select(Order.id).where(Order.code == code)):
            return redirect(url_for("operator.order", code=code))
    recent = db.session.scalars(
        select(Order).where(Order.status == OrderStatus.PAID)
        .order_by(Order.paid_at.desc(), Order.id.desc()).limit(RECENT)
    ).all()
    return render_template("operator/orders.html", recent=recent, asked=asked,
                           not_found=bool(asked)), 404 if asked else 200


def _order(code: str) -> Order:
    order = db.session.scalar(
        select(Order).where(Order.code == code.upper()[:12])
        .options(selectinload(Order.post_orders).selectinload(PostOrder.lines),
                 selectinload(Order.post_orders).joinedload(PostOrder.post))
    )
    return order or abort(404)


@bp.get("/orders/<code>")
@operator_required
def order(code: str) -> ResponseReturnValue:
    return _order_page(_order(code), {}, 200)


def _order_page(order: Order, forms: dict[int, Any], status: int) -> ResponseReturnValue:
    refunds = refunds_of(db.session, [order.id])[order.id]
    paid = order.status is OrderStatus.PAID
    return render_template(
        "operator/order.html",
        order=order,
        refunds={po.id: [r for r in refunds if r.post_order_id == po.id]
                 for po in order.post_orders},
        forms={po.id: forms.get(po.id) or (fresh_refund_form(po) if paid else None)
               for po in order.post_orders},
    ), status


@bp.post("/orders/<code>/<int:post_order_id>/refund")
@operator_required
def refund_order(code: str, post_order_id: int) -> ResponseReturnValue:
    order = _order(code)
    post_order = next((po for po in order.post_orders if po.id == post_order_id), None)
    if post_order is None:
        abort(404)
    submitted = submit_refund_form(db.session, post_order, current_operator(), utcnow())
    if submitted.refund is None:
        return _order_page(order, {post_order.id: submitted.form}, 400)
    if submitted.replayed:
        flash(_("This refund was already made: it is listed below."), "info")
    else:
        record(db.session, current_operator(), "refund.create", submitted.refund,
               after={"gross": submitted.refund.gross, "to_buyer": submitted.refund.presentment,
                      "restock": submitted.refund.restock}, note=submitted.refund.reason)
        flash(refund_made_message(submitted.refund), "success")
    return redirect(url_for("operator.order", code=order.code))
