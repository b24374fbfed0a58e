"""The operator's desk at the portal (`stamps.<domain>/operator/...`): staff sign-in and
sign-out, and the payment desk where money sent without a card is matched to its order.

Registered on the portal host only: a storefront has no `/operator`."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from mall.audit.services import record
from mall.columns import utcnow
from mall.extensions import db
from mall.hosts import local_path_under
from mall.i18n import lazy_translate as _l
from mall.i18n import money_filter
from mall.mail import MailError, send_templated_mail
from mall.operator.auth import (
    current_operator,
    current_staff,
    end_staff_session,
    end_staff_sessions,
    operator_required,
)
from mall.operator.demo import DEMO_OPERATOR_EMAIL, DEMO_OPERATOR_PASSWORD
from mall.operator.forms import RecordPaymentForm, StaffSignInForm
from mall.operator.models import StaffMember
from mall.operator.services import (
    PaymentNotRecorded,
    ReceivedMoney,
    Recorded,
    Refusal,
    pending_offline_orders,
    recent_payments,
    record_received_payment,
)
from mall.operator.sign_in import attempt_staff_sign_in
from mall.orders.guest_links import order_link
from mall.orders.labels import cancel_reason_label
from mall.orders.lifecycle import PaymentOutcome
from mall.orders.models import Order
from mall.orders.references import format_reference
from mall.pagination import requested_page
from mall.rates.conversion import configured_max_age_days, load_rate_table

bp = Blueprint("operator", __name__, url_prefix="/operator")


@bp.app_template_filter("payment_reference")
def payment_reference_filter(reference: str) -> str:
    """`RF18K7MPQ2ZA` as people read and copy it: `RF18 K7MP Q2ZA`."""
    return format_reference(reference or "")


@bp.context_processor
def _staff_in_templates() -> dict[str, Any]:
    demo = None
    if current_app.config["OPERATOR_DEMO_HINT"]:
        demo = {"email": DEMO_OPERATOR_EMAIL, "password": DEMO_OPERATOR_PASSWORD}
    return {"current_staff": current_staff, "demo_operator": demo, "stale_rates": _stale_rates}


def _stale_rates() -> list[str]:
    """Currencies whose rate is older than RATES_MAX_AGE_DAYS, with their age: the operator
    must refresh them before buyers are quoted on old rates (one query)."""
    table = load_rate_table(db.session)
    now = utcnow()
    stale = table.stale_currencies(now, configured_max_age_days(current_app.config))
    return [
        ngettext("%(currency)s (%(num)d day old)", "%(currency)s (%(num)d days old)",
                 table.age_days(currency, now), currency=currency)
        for currency in stale
    ]


# --- signing in and out -------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    goal = local_path_under(request.args.get("next"), bp.url_prefix)
    if current_operator() is not None and request.method == "GET":
        return redirect(goal or url_for("operator.payments"))
    form = StaffSignInForm()
    if form.validate_on_submit():
        signed_in = attempt_staff_sign_in(
            form, "operator/sign_in.html", goal=goal,
            not_here=_("This account cannot sign in to the operator's desk. Post staff sign "
                       "in at their own shop's /manage page."),
        )
        if not isinstance(signed_in, StaffMember):
            return signed_in
        flash(_("Signed in to the operator's desk as %(name)s.", name=signed_in.name), "success")
        return redirect(goal or url_for("operator.payments"))
    status = 400 if form.is_submitted() else 200
    return render_template("operator/sign_in.html", form=form, goal=goal), status


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    """End this staff member's sessions in every browser; replaying it changes nothing."""
    staff = current_staff()
    if staff is not None:
        end_staff_sessions(db.session, staff)
        flash(_("You are signed out of the operator's desk."), "success")
    end_staff_session()
    return redirect(url_for("operator.sign_in"))


@bp.get("/")
@operator_required
def index() -> ResponseReturnValue:
    return redirect(url_for("operator.dashboard"))



# --- the payment desk ---------------------------------------------------------------------


@bp.route("/payments", methods=["GET", "POST"])
@operator_required
def payments() -> ResponseReturnValue:
    form = RecordPaymentForm()
    if not form.validate_on_submit():
        return _desk(form, 400 if form.is_submitted() else 200)
    money = ReceivedMoney(
        order_code=form.order_code or "",
        amount=form.money,
        channel=form.channel_value,
        received_on=form.received_date,
        note=form.note.data or "",
        hold=bool(form.hold.data),
    )
    staff = current_operator()
    try:
        recorded = record_received_payment(db.session, money, staff, utcnow())
    except PaymentNotRecorded as refused:
        db.session.rollback()
        _explain_refusal(form, refused, money)
        status = 409 if refused.refusal in (Refusal.CANCELLED, Refusal.CARD_ORDER) else 400
        return _desk(form, status)
    if recorded.outcome is PaymentOutcome.ALREADY_PAID:
        db.session.rollback()
        flash(_already_paid(recorded), "info")
        return redirect(url_for("operator.payments"))
    record(db.session, staff, "payment.hold" if recorded.outcome is None else "payment.record",
           recorded.order, after={"amount": money.amount, "channel": money.channel,
                                  "received_on": money.received_on,
                                  "order_status": recorded.order.status}, note=money.note)
    if recorded.outcome is None and recorded.held is not None:
        flash(_("%(amount)s for order %(code)s is held in suspense: it does not settle the "
                "order as it is. Decide what to do with it below.",
                amount=money_filter(money.amount), code=recorded.order.code), "warning")
        return redirect(url_for("operator.suspense"))
    mailed = _mail_payment_received(recorded)
    current_app.logger.info(
        "payment of %s %s for order %s recorded by staff %s", money.amount.to_decimal(),
        money.amount.currency, recorded.order.code, staff.id,
    )
    flash(
        _("%(amount)s recorded: order %(code)s is paid, and its posts can ship.",
          amount=money_filter(money.amount), code=recorded.order.code),
        "success",
    )
    if not mailed:
        flash(_("The buyer could not be mailed (%(email)s): please tell them another way.",
                email=recorded.order.email), "warning")
    return redirect(url_for("operator.payments"))


def _desk(form: RecordPaymentForm, status: int) -> ResponseReturnValue:
    page = db.paginate(
        pending_offline_orders(),
        page=requested_page(),
        per_page=current_app.config["OPERATOR_PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "operator/payments.html",
        form=form,
        page=page,
        recent=recent_payments(db.session),
        now=utcnow(),
    ), status


def _explain_refusal(
    form: RecordPaymentForm, refused: PaymentNotRecorded, money: ReceivedMoney
) -> None:
    """Put the reason where the person will look: on the field that is wrong."""
    order: Order | None = refused.order
    nothing = _("Nothing was recorded.")
    if refused.refusal is Refusal.UNKNOWN_ORDER:
        form.reference.errors.append(
            _("No order has this reference. Please compare it with the statement.")
        )
        return
    if order is None:  # every other refusal names its order
        return
    if refused.refusal is Refusal.CARD_ORDER:
        form.form_errors.append(
            _("Order %(code)s is paid by card: its payment is confirmed by the card "
              "provider, not at this desk. %(nothing)s", code=order.code, nothing=nothing)
        )
    elif refused.refusal is Refusal.CANCELLED:
        cancelled_on = format_date(order.cancelled_at or order.created_at, format="long")
        form.form_errors.append(
            _("Order %(code)s was cancelled on %(date)s (%(reason)s) and its stamps went back "
              "on sale. Refund the buyer, or re-open the order — re-opening is not available "
              "at this desk yet, so for now please refund. %(nothing)s",
              code=order.code, date=cancelled_on, reason=cancel_reason_label(order.cancel_reason),
              nothing=nothing)
        )
    elif refused.refusal is Refusal.WRONG_CURRENCY:
        form.currency.errors.append(
            _("Order %(code)s is to be paid in %(currency)s (%(total)s), not in %(paid)s. "
              "%(nothing)s", code=order.code, currency=order.currency,
              total=money_filter(order.total), paid=money.amount.currency, nothing=nothing)
        )
    elif refused.refusal is Refusal.SHORT:
        form.amount.errors.append(
            _("Short payment: order %(code)s totals %(total)s, %(missing)s more than the "
              "%(paid)s received. %(nothing)s", code=order.code,
              total=money_filter(order.total), paid=money_filter(money.amount),
              missing=money_filter(order.total - money.amount), nothing=nothing)
        )
    else:
        form.amount.errors.append(
            _("Overpayment: order %(code)s totals %(total)s, %(extra)s less than the "
              "%(paid)s received. %(nothing)s", code=order.code,
              total=money_filter(order.total), paid=money_filter(money.amount),
              extra=money_filter(money.amount - order.total), nothing=nothing)
        )



def _already_paid(recorded: Recorded) -> str:
    order = recorded.order
    paid_on = format_date(order.paid_at or order.created_at, format="long")
    payment = recorded.payment
    if payment is not None:
        return _(
            "Order %(code)s was already paid on %(date)s (recorded by %(name)s): nothing was "
            "changed. If the buyer really paid twice, refund the second payment.",
            code=order.code, date=paid_on, name=payment.recorded_by.name,
        )
    return _(
        "Order %(code)s was already paid on %(date)s: nothing was changed. If the buyer "
        "really paid twice, refund the second payment.",
        code=order.code, date=paid_on,
    )


def _mail_payment_received(recorded: Recorded) -> bool:
    """Tell the buyer, in their language; a mail failure must not undo the payment."""
    order = recorded.order
    with contextlib.suppress(MailError):
        send_templated_mail(
            order.email,
            "payment_received",
            _l("We received your payment for order %(code)s", code=order.code),
            order.locale,
            order=order,
            payment=recorded.payment,
            order_url=order_link(order),
        )
        return True
    return False
