"""The buyer's orders at the portal: the order page (each post order's status, how to pay
without a card), paying by card, cancelling, a receipt per post order, and the account's
order history.

A signed-in buyer's order is shown only to that buyer, signed in; a guest's order to the
visit that placed it (until the browser is signed out or someone signs in on it) and to
whoever opens the signed link of its mails; to anyone else it does not exist (404).

An unpaid order past its reservation is cancelled when it is opened, before anything is
shown, so that its stock is back on sale even if the cron job has not run yet."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mall.cart.services import restore_cart
from mall.columns import utcnow
from mall.extensions import db
from mall.money import Money
from mall.orders.forms import CancelOrderForm, TestCardForm
from mall.orders.guest_links import ACCESS_PARAMETER, pass_opens
from mall.orders.labels import order_label
from mall.orders.models import (
    CancelReason,
    Order,
    OrderStatus,
    PaymentMethod,
    PostOrder,
)
from mall.orders.placement import ShippingAddress
from mall.orders.queries import order_query, refunds_by_post_order
from mall.orders.references import format_reference
from mall.payments.attempts import AttemptStatus
from mall.payments.card import (
    CardResult,
    abandon,
    apply_result,
    cancel,
    card_gateway,
    check_payment,
    confirm_test_card,
    current_attempt,
    declines,
    payable_attempt,
    release_if_expired,
)
from mall.payments.provider import (
    PaymentConfigurationError,
    PaymentError,
    PaymentUnavailable,
)
from mall.security import content_security_policy
from mall.transaction import writes
from mall.visitors.context import current_visitor, ensure_visitor

#: At the portal (`subdomain=PORTAL_SUBDOMAIN`).
bp = Blueprint("orders", __name__)

_CODE = re.compile(r"[A-Z0-9]{4,12}")
#: The portal session's key for client secrets of live-mode intents (for Stripe.js).
SECRETS_KEY = "card_client_secrets"


#: The portal session's key for the guest order links opened in this browser
#: ({order code: pass}); dropped with everything else of the buyer at sign-in and sign-out.
PASSES_KEY = "guest_order_passes"
#: How many such passes the session keeps (the latest ones).
MAX_PASSES = 10


def _owned(code: str) -> Order:
    """The order, if the one asking may see it (see module docstring); else a 404."""
    visitor = current_visitor()
    buyer = visitor.signed_in_buyer(utcnow()) if visitor is not None else None
    order = None
    if _CODE.fullmatch(code):
        passes = session.get(PASSES_KEY)
        token = passes.get(code) if isinstance(passes, dict) else None
        has_pass = isinstance(token, str) and pass_opens(token, code)
        if visitor is not None or has_pass:
            query = order_query(code, visitor, buyer, guest_pass=has_pass)
            order = db.session.scalar(query)
    if order is None:
        abort(404, description=_("There is no order with this number in your orders."))
    return order


def _keep_pass(code: str, token: str) -> None:
    """Remember a valid guest link in this browser's portal session, so the order's other
    pages (pay, cancel, receipts) open without it in every address."""
    passes = session.get(PASSES_KEY)
    kept = {k: v for k, v in passes.items() if k != code} if isinstance(passes, dict) else {}
    kept[code] = token
    session[PASSES_KEY] = dict(list(kept.items())[-MAX_PASSES:])


def _released(order: Order) -> bool:
    """Release on access (see module docstring); True if the order was just cancelled."""
    attempt = current_attempt(db.session, order) if order.payment_id else None
    if not release_if_expired(db.session, order, utcnow()):
        return False
    abandon(db.session, order, attempt)
    flash(_("This order was not paid in time: it is cancelled and its stamps are back on sale."),
          "error")
    return True


# --- the order ------------------------------------------------------------------------------


@bp.get("/orders/<code>")
def show(code: str) -> ResponseReturnValue:
    token = request.args.get(ACCESS_PARAMETER)
    if token is not None:
        # The link of a guest's mail: kept in this session if it is good, then off the
        # address bar (and out of the history) at once.
        if _CODE.fullmatch(code) and pass_opens(token, code):
            _keep_pass(code, token)
        return redirect(url_for(".show", code=code), 303)
    order = _owned(code)
    _released(order)
    attempt = current_attempt(db.session, order)
    return render_template(
        "orders/show.html",
        order=order,
        attempt=attempt,
        reference=format_reference(order.payment_reference),
        card_available=card_gateway(current_app.config) is not None,
        cancel_form=CancelOrderForm(formdata=None),
        # Only a paid order is ever refunded (an unpaid one is cancelled instead).
        refunds=refunds_by_post_order(db.session, order)
        if order.status is OrderStatus.PAID else {},
    )


@bp.post("/orders/<code>/cancel")
def cancel_unpaid(code: str) -> ResponseReturnValue:
    """The buyer gives up an unpaid order: the stock goes back on sale and the stamps back
    into their cart, to pay another way."""
    form = CancelOrderForm()
    if not form.validate_on_submit():
        abort(400)
    order = _owned(code)
    if _released(order) or order.status is not OrderStatus.PENDING_PAYMENT:
        return redirect(url_for(".show", code=order.code), 303)
    attempt = current_attempt(db.session, order)
    visitor = ensure_visitor()  # a guest who came by the mail's link may have none yet
    cancel(db.session, order, CancelReason.BUYER, utcnow())
    restored = restore_cart(db.session, order, visitor, visitor.signed_in_buyer(utcnow()))
    abandon(db.session, order, attempt)
    flash(_cancelled_message(restored), "success")
    return redirect(url_for(".show", code=order.code), 303)


def _cancelled_message(restored: int) -> str:
    if not restored:
        return _("Your order is cancelled. Nothing was charged.")
    return ngettext(
        "Your order is cancelled and nothing was charged. %(num)d item is back in your cart.",
        "Your order is cancelled and nothing was charged. %(num)d items are back in your cart.",
        restored,
    )


# --- paying by card -------------------------------------------------------------------------


@bp.get("/orders/<code>/pay")
def pay(code: str) -> ResponseReturnValue:
    order = _owned(code)
    if order.payment_method is not PaymentMethod.CARD or _released(order):
        return redirect(url_for(".show", code=order.code), 303)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        return redirect(url_for(".show", code=order.code), 303)
    gateway = card_gateway(current_app.config)
    attempt = current_attempt(db.session, order)
    declined = attempt is not None and attempt.status is AttemptStatus.DECLINED
    used = declines(db.session, order)
    context = {
        "order": order,
        "attempt": attempt,
        "declined": declined,
        "attempts_left": max(0, int(current_app.config["CARD_MAX_ATTEMPTS"]) - used),
        "available": gateway is not None,
        "test_mode": gateway is not None and gateway.test_mode,
        "card_form": TestCardForm(formdata=None),
        "cancel_form": CancelOrderForm(formdata=None),
        "publishable_key": current_app.config.get("STRIPE_PUBLISHABLE_KEY", ""),
        "client_secret": session.get(SECRETS_KEY, {}).get(order.code),
    }
    response = current_app.make_response(render_template("orders/pay.html", **context))
    if gateway is not None and not gateway.test_mode:
        response.headers["Content-Security-Policy"] = stripe_js_policy()
    return response


@bp.post("/orders/<code>/pay")
def pay_with_test_card(code: str) -> ResponseReturnValue:
    """Test mode only: one of Stripe's test cards, confirmed on the server."""
    form = TestCardForm()
    if not form.validate_on_submit():
        abort(400, description=_("Please use one of the test card buttons."))
    order = _owned(code)
    if _released(order) or order.status is not OrderStatus.PENDING_PAYMENT:
        if order.status is OrderStatus.PAID:
            flash(_("This order is already paid."), "info")
        return redirect(url_for(".show", code=order.code), 303)
    gateway = card_gateway(current_app.config)
    if gateway is None or not gateway.test_mode or order.payment_method is not PaymentMethod.CARD:
        abort(404, description=_("Test cards are accepted only in test mode."))
    try:
        attempt = payable_attempt(db.session, gateway, order)
        db.session.commit()  # the intent is recorded before Stripe is asked to charge it
        result = confirm_test_card(gateway, order, attempt, form.card.data)
    except PaymentError as error:
        db.session.rollback()
        flash(_payment_error_message(error), "error")
        return redirect(url_for(".pay", code=order.code), 303)
    outcome = apply_result(db.session, gateway, order, attempt, result, utcnow())
    return _after_card(order, outcome)


@bp.get("/orders/<code>/pay/complete")
@writes
def pay_complete(code: str) -> ResponseReturnValue:
    """Where Stripe.js sends the buyer back after confirming in the browser (live mode):
    ask Stripe how the payment stands and act on it (the webhook may have done so first)."""
    order = _owned(code)
    gateway = card_gateway(current_app.config)
    if gateway is None or order.payment_method is not PaymentMethod.CARD:
        return redirect(url_for(".show", code=order.code), 303)
    if order.status is not OrderStatus.PENDING_PAYMENT or _released(order):
        return redirect(url_for(".show", code=order.code), 303)
    try:
        outcome = check_payment(db.session, gateway, order, utcnow())
    except PaymentError as error:
        db.session.rollback()
        flash(_payment_error_message(error), "error")
        return redirect(url_for(".pay", code=order.code), 303)
    return _after_card(order, outcome)


def _after_card(order: Order, outcome: CardResult) -> ResponseReturnValue:
    """Commit what the payment changed and tell the buyer."""
    visitor = current_visitor()
    restored = 0
    if outcome is CardResult.CANCELLED and visitor is not None:
        restored = restore_cart(db.session, order, visitor, visitor.signed_in_buyer(utcnow()))
    if outcome in (CardResult.PAID, CardResult.ALREADY_PAID):
        flash(_("Thank you: your payment was received. A confirmation is on its way to "
                "%(email)s.", email=order.email), "success")
        return redirect(url_for(".show", code=order.code), 303)
    if outcome is CardResult.CANCELLED:
        flash(_("Your card was declined too many times, so the order is cancelled and nothing "
                "was charged. The stamps are back in your cart: you can pay another way."),
              "error")
        if restored:
            return redirect(url_for("cart.page"), 303)
        return redirect(url_for(".show", code=order.code), 303)
    if outcome is not CardResult.DECLINED:  # a decline is told by the pay page itself
        flash(_("Your payment is being processed. This page will show it once it is done."),
              "info")
    return redirect(url_for(".pay", code=order.code), 303)


def _payment_error_message(error: PaymentError) -> str:
    if isinstance(error, PaymentUnavailable):
        return _("The payment service is unavailable. Nothing was charged: please try again "
                 "in a few minutes.")
    if isinstance(error, PaymentConfigurationError):
        return _("Card payments are unavailable at the moment. Nothing was charged.")
    return _("The payment could not be processed. Nothing was charged: please try again.")


def stripe_js_policy() -> str:
    """The page's CSP plus what Stripe.js needs (its script, its frames, its API)."""
    directives = dict(
        part.split(" ", 1) for part in content_security_policy().split("; ") if " " in part
    )
    extra = {
        "script-src": "https://js.stripe.com",
        "frame-src": "https://js.stripe.com https://hooks.stripe.com",
        "connect-src": "https://api.stripe.com",
    }
    for name, sources in extra.items():
        directives[name] = f"{directives.get(name, chr(39) + 'self' + chr(39))} {sources}"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


# --- receipts and history -------------------------------------------------------------------


@bp.get("/orders/<code>/receipt/<post_code>")
def receipt(code: str, post_code: str) -> ResponseReturnValue:
    """A printable receipt for what one post sold in the order, once it is paid."""
    order = _owned(code)
    post_order = next((po for po in order.post_orders if po.post.code == post_code), None)
    if post_order is None:
        abort(404, description=_("This order has nothing from this post."))
    if order.status is not OrderStatus.PAID:
        abort(404, description=_("A receipt is issued once the order is paid."))
    return render_template(
        "orders/receipt.html", order=order, post_order=post_order,
        portal_host=urlsplit(url_for("portal.home", _external=True)).netloc,
    )


@bp.get("/account/orders")
@login_required
def history() -> ResponseReturnValue:
    """The signed-in buyer's orders, newest first (two queries whatever their number)."""
    orders = db.session.scalars(
        select(Order)
        .where(Order.buyer_id == current_user.id)
        .options(selectinload(Order.post_orders).joinedload(PostOrder.post))
        .order_by(Order.created_at.desc(), Order.id.desc())
    ).all()
    return render_template("orders/history.html", orders=orders)



# --- words for the order's states -----------------------------------------------------------

bp.add_app_template_filter(order_label, "order_label")


@bp.app_template_filter("when")
def when(moment: datetime) -> str:
    """A date and time in the reader's language and the mall's time zone."""
    return format_datetime(moment, "medium")


@bp.app_template_global()
def money_of(minor: int, currency: str) -> Money:
    return Money(minor, currency)


@bp.app_template_global()
def order_address(order: Order) -> ShippingAddress:
    """The address an order was sent to, shaped like the checkout's."""
    return ShippingAddress(
        name=order.ship_name, line1=order.ship_line1, line2=order.ship_line2,
        city=order.ship_city, postal_code=order.ship_postal_code, region=order.ship_region,
        country=order.ship_country, phone=order.ship_phone,
    )

