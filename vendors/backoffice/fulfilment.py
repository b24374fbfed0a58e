"""The post's orders in its back office: what to ship, packing, shipping with an S10 number,
delivery, and the papers (packing slip, customs declaration). Clerks and managers alike;
the order page also lists the order's refunds, and a manager's refund form (posted to
`vendors.backoffice.settlement`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mall.columns import utcnow
from mall.extensions import db
from mall.fulfilment.customs import SdrRateMissing, declaration
from mall.fulfilment.documents import customs_pdf, packing_slip_pdf
from mall.fulfilment.models import TrackingRange
from mall.fulfilment.services import (
    FulfilmentRefused,
    add_range,
    is_tracked,
    mark_delivered,
    mark_packed,
    ship,
)
from mall.operator.models import StaffRole
from mall.orders.models import OrderStatus, PostOrder, PostOrderStatus
from mall.pagination import requested_page
from mall.rates.conversion import load_rate_table
from mall.settlement.models import Refund
from mall.settlement.refund_forms import fresh_refund_form
from mall.tenancy import current_post, get_owned_or_404, scoped
from vendors.backoffice import queries
from vendors.backoffice.access import current_post_staff, has_role, staff_required
from vendors.backoffice.blueprint import bp
from vendors.backoffice.forms import ActionForm, ShipForm, TrackingRangeForm

#: The filters of the order list, in the order a clerk works through them.
STATUSES = (
    PostOrderStatus.TO_SHIP, PostOrderStatus.PACKED, PostOrderStatus.SHIPPED,
    PostOrderStatus.DELIVERED, PostOrderStatus.CANCELLED, PostOrderStatus.AWAITING_PAYMENT,
)


@bp.get("/orders")
@staff_required(StaffRole.POST_CLERK)
def post_orders() -> ResponseReturnValue:
    status = _status_filter(request.args.get("status", PostOrderStatus.TO_SHIP.value))
    post = current_post()
    page = db.paginate(
        queries.post_orders_query(post, status), page=requested_page(),
        per_page=current_app.config["OPERATOR_PAGE_SIZE"], error_out=False, count=True,
    )
    return render_template(
        "backoffice/orders.html", page=page, status=status, statuses=STATUSES,
        counts=queries.status_counts(db.session, post),
    )


@bp.get("/orders/<int:post_order_id>")
@staff_required(StaffRole.POST_CLERK)
def post_order(post_order_id: int) -> ResponseReturnValue:
    return order_page(get_owned_or_404(PostOrder, post_order_id), ShipForm())


@bp.post("/orders/<int:post_order_id>/pack")
@staff_required(StaffRole.POST_CLERK)
def pack(post_order_id: int) -> ResponseReturnValue:
    post_order = get_owned_or_404(PostOrder, post_order_id)
    return _step(post_order, lambda: mark_packed(db.session, post_order),
                 _("Order %(code)s is packed.", code=post_order.order.code))


@bp.post("/orders/<int:post_order_id>/deliver")
@staff_required(StaffRole.POST_CLERK)
def deliver(post_order_id: int) -> ResponseReturnValue:
    post_order = get_owned_or_404(PostOrder, post_order_id)
    return _step(post_order, lambda: mark_delivered(db.session, post_order, utcnow()),
                 _("Order %(code)s is marked delivered.", code=post_order.order.code))


@bp.post("/orders/<int:post_order_id>/ship")
@staff_required(StaffRole.POST_CLERK)
def ship_order(post_order_id: int) -> ResponseReturnValue:
    post_order = get_owned_or_404(PostOrder, post_order_id)
    form = ShipForm()
    if not form.validate_on_submit():
        return order_page(post_order, form, 400)
    try:
        shipment = ship(db.session, post_order, number=form.tracking_number.data,
                        staff=current_post_staff(), now=utcnow())
    except FulfilmentRefused as refused:
        form.tracking_number.errors.append(str(refused.message))
        return order_page(post_order, form, 400)
    if shipment.tracking_number:
        flash(_("Order %(code)s is shipped with %(number)s; the buyer is told by mail.",
                code=post_order.order.code, number=shipment.tracking_number), "success")
    else:
        flash(_("Order %(code)s is shipped; the buyer is told by mail.",
                code=post_order.order.code), "success")
    return redirect(url_for(".post_order", post_order_id=post_order.id))


@bp.get("/orders/<int:post_order_id>/packing-slip.pdf")
@staff_required(StaffRole.POST_CLERK)
def packing_slip(post_order_id: int) -> ResponseReturnValue:
    post_order = get_owned_or_404(PostOrder, post_order_id)
    return _pdf(packing_slip_pdf(post_order), f"packing-slip-{post_order.order.code}.pdf")


@bp.get("/orders/<int:post_order_id>/customs.pdf")
@staff_required(StaffRole.POST_CLERK)
def customs(post_order_id: int) -> ResponseReturnValue:
    post_order = get_owned_or_404(PostOrder, post_order_id)
    try:
        form = declaration(post_order, load_rate_table(db.session), utcnow().date())
    except SdrRateMissing:
        abort(409, description=_("The mall has no SDR rate: the operator must import one "
                                 "before customs forms can be printed."))
    if form is None:
        abort(404, description=_("This order stays in the country: it needs no customs "
                                 "declaration."))
    return _pdf(customs_pdf(form), f"{form.form.value}-{post_order.order.code}.pdf")


@bp.route("/tracking-numbers", methods=["GET", "POST"])
@staff_required(StaffRole.POST_MANAGER)
def tracking_ranges() -> ResponseReturnValue:
    post = current_post()
    form = TrackingRangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            add_range(db.session, post.code, post.id, form.service.data, form.first.data,
                      form.last.data)
        except FulfilmentRefused as refused:
            form.form_errors.append(str(refused.message))
        else:
            flash(_("Tracking numbers %(service)s are ready to be issued.",
                    service=form.service.data.upper()), "success")
            return redirect(url_for(".tracking_ranges"))
    if form.is_submitted():
        status = 400
    ranges = db.session.scalars(scoped(TrackingRange).order_by(TrackingRange.service)).all()
    return render_template("backoffice/tracking_ranges.html", form=form, ranges=ranges), status


def order_page(
    post_order: PostOrder, form: ShipForm, status: int = 200, refund: Any = None
) -> ResponseReturnValue:
    """The order's page, with `form` (shipping) and `refund` (a refund form, managers only)
    shown again with their errors; a manager gets a fresh refund form, with a new one-time
    key, when `refund` is None."""
    if refund is None and _may_refund(post_order):
        refund = fresh_refund_form(post_order)
    refunds = db.session.scalars(
        scoped(Refund).where(Refund.post_order_id == post_order.id)
        .options(selectinload(Refund.lines)).order_by(Refund.id)
    ).all()
    has_range = db.session.scalar(
        select(TrackingRange.id).where(
            TrackingRange.post_id == post_order.post_id,
            TrackingRange.next_serial <= TrackingRange.last_serial,
        ).limit(1)
    ) is not None
    return render_template(
        "backoffice/order.html", post_order=post_order, order=post_order.order, form=form,
        action=ActionForm(), tracked=is_tracked(post_order), has_range=has_range,
        abroad=post_order.order.ship_country.upper() != post_order.post.code.upper(),
        refund=refund, refunds=refunds,
    ), status


def _may_refund(post_order: PostOrder) -> bool:
    return (has_role(current_post_staff(), StaffRole.POST_MANAGER)
            and post_order.order.status is OrderStatus.PAID)


def _step(post_order: PostOrder, action: Callable[[], None], done: str) -> ResponseReturnValue:
    """One button's step: done (a message) or refused (the reason), back to the order."""
    if not ActionForm().validate_on_submit():
        abort(400, description=_("The form expired. Please try again."))
    try:
        action()
    except FulfilmentRefused as refused:
        flash(str(refused.message), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".post_order", post_order_id=post_order.id))


def _status_filter(value: str) -> PostOrderStatus | None:
    if value == "all":
        return None
    try:
        return PostOrderStatus(value)
    except ValueError:
        return PostOrderStatus.TO_SHIP


def _pdf(data: bytes, filename: str) -> ResponseReturnValue:
    return data, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
