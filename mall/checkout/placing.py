"""Placing the order (`POST /checkout/place`): the last step of checkout, where everything
the buyer reviewed is checked again — the form's one-time key, the quote's owner and age,
the cart's fingerprint, the stock — before one order is placed and paid for."""

from __future__ import annotations

import dataclasses
import logging
import re

from flask import Blueprint, abort, current_app, flash, redirect, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from mall.cart.forms import first_error
from mall.checkout.forms import PLACEMENT_KEY_PATTERN, PlaceOrderForm
from mall.checkout.payment_methods import buyer_country, counter_available
from mall.checkout.services import (
    CheckoutPricing,
    CheckoutState,
    fresh_quote,
    order_request,
    reservation,
)
from mall.checkout.views import (
    Checkout,
    cart_currencies,
    checkout_state,
    current_checkout,
    empty_cart,
    post_closed_message,
    priced_or_redirect,
    render_review,
    save_state,
)
from mall.columns import utcnow
from mall.currency import quoting_rate_table
from mall.extensions import db
from mall.i18n import localized, money_filter
from mall.orders.mail import send_order_mail
from mall.orders.models import Order, PaymentMethod, Quote
from mall.orders.placement import (
    CartChanged,
    EmptyCart,
    MissingShipping,
    OutOfStock,
    PostNotSelling,
    QuoteExpired,
    Shortage,
    place_order,
)
from mall.orders.queries import order_by_key
from mall.orders.views import SECRETS_KEY
from mall.payments.card import can_charge, card_gateway, start_attempt
from mall.payments.provider import PaymentError
from mall.rates.conversion import UnknownRate, configured_spread_bps
from mall.shipping.services import ShippingUnavailable
from mall.shipping.zones import UnknownCountry
from mall.visitors.context import current_visitor

log = logging.getLogger(__name__)

#: At the portal (`subdomain=PORTAL_SUBDOMAIN`).
bp = Blueprint("placing", __name__)


@bp.post("/checkout/place")
def place() -> ResponseReturnValue:
    checkout = current_checkout()
    visitor = current_visitor()
    form = PlaceOrderForm()
    key = form.placement_key.data or ""
    if visitor is not None and re.fullmatch(PLACEMENT_KEY_PATTERN, key):  # looked up unchecked,
        # a NUL in it would be PostgreSQL's error, not a refusal
        existing = order_by_key(db.session, key, visitor)
        if existing is not None:  # the same form again: the order it placed
            return _after_placing(existing)
    if checkout is None:
        return empty_cart()
    state = checkout_state()
    if state is None or not state.shipping:
        return redirect(url_for("checkout.address"), 303)
    if not form.validate_on_submit():
        return render_review(checkout, state, form=form, message=first_error(form), status=400)
    quote = db.session.get(Quote, form.quote_id.data)
    if quote is None or quote.visitor_id != checkout.visitor.id:
        abort(400, description=_("This order summary is not yours. Please review your order."))
    method = PaymentMethod(form.payment_method.data)
    now = utcnow()
    if quote.expires_at <= now:
        return _requote(checkout, state, quote, form)
    pricing = priced_or_redirect(checkout, state, quote)
    if not isinstance(pricing, CheckoutPricing):
        return pricing
    if pricing.fingerprint != form.fingerprint.data:
        message = _("Your cart, a price or a shipping rate changed since you reviewed your "
                    "order. Please check the new total and confirm again.")
        return render_review(checkout, state, quote=quote, form=form, message=message, status=409)
    if method is PaymentMethod.CARD and (
        card_gateway(current_app.config) is None
        or not can_charge(pricing.total_for(PaymentMethod.CARD))
    ):
        message = _("Card payment is not available for this order. Please choose another "
                    "way to pay.")
        return render_review(checkout, state, quote=quote, form=form, message=message, status=400)
    if method is PaymentMethod.COUNTER and not counter_available(
        db.session, buyer_country(checkout.buyer, state.address.country)
    ):
        message = _("Your country's post is not in the mall yet, so no post office counter "
                    "near you takes payments for it. Please choose another way to pay.")
        return render_review(checkout, state, quote=quote, form=form, message=message, status=400)
    try:
        order = place_order(
            db.session,
            checkout.cart,
            order_request(state, checkout.visitor, checkout.buyer, str(get_locale() or "en"),
                          method, key, pricing),
            quote,
            now,
            reservation(method),
            int(current_app.config["DEFAULT_COMMISSION_BPS"]),
        )
    except OutOfStock as shortage:
        db.session.rollback()
        for line in shortage.shortages:
            flash(_shortage_message(line), "error")
        return redirect(url_for("cart.page"), 303)
    except QuoteExpired:
        db.session.rollback()
        return _requote(checkout, state, quote, form)
    except CartChanged:
        db.session.rollback()
        message = _("Your cart changed while the order was being placed. Please check the "
                    "order again and confirm.")
        return render_review(checkout, state, quote=quote, form=form, message=message, status=409)
    except PostNotSelling as closed:
        db.session.rollback()
        flash(post_closed_message(closed.post), "error")
        return redirect(url_for("cart.page"), 303)
    except (MissingShipping, ShippingUnavailable, UnknownCountry):
        db.session.rollback()
        flash(_("A shipping method is no longer available. Please choose again."), "error")
        return redirect(url_for("checkout.shipping"), 303)
    except EmptyCart:
        db.session.rollback()
        return empty_cart()
    shown = pricing.total_for(method)
    if order.total != shown:  # never expected; if it happens, nothing is charged or kept
        log.error("order %s totals %s, review showed %s", order.code, order.total, shown)
        db.session.rollback()
        message = _("Your cart changed while the order was being placed. Please check the "
                    "order again and confirm.")
        return render_review(checkout, state, quote=quote, form=form, message=message, status=409)
    save_state(dataclasses.replace(state, shipping={}, quote_id=None))
    if method is not PaymentMethod.CARD:
        send_order_mail(order, "placed")
    answer = _after_placing(order)  # before the commit expires the order: no reload to read it
    db.session.commit()
    if method is PaymentMethod.CARD:
        _start_card_payment(order)
    return answer


def _start_card_payment(order: Order) -> None:
    """Create the order's PaymentIntent now, so the pay page is ready; if Stripe cannot
    be reached, the pay page tries again when the buyer pays."""
    gateway = card_gateway(current_app.config)
    if gateway is None:
        return
    try:
        _attempt, client_secret = start_attempt(db.session, gateway, order)
        db.session.commit()
    except PaymentError as error:
        db.session.rollback()
        log.warning("Could not start the card payment of %s: %s", order.code, error.detail)
        return
    if not gateway.test_mode:  # for Stripe.js on the pay page; the buyer's own secret
        session[SECRETS_KEY] = {order.code: client_secret}


def _after_placing(order: Order) -> ResponseReturnValue:
    if order.payment_method is PaymentMethod.CARD:
        return redirect(url_for("orders.pay", code=order.code), 303)
    return redirect(url_for("orders.show", code=order.code), 303)


def _requote(
    checkout: Checkout, state: CheckoutState, expired: Quote, form: PlaceOrderForm
) -> ResponseReturnValue:
    """The quote ran out: price the same order with today's rates and ask again, saying
    what the total was and what it is now."""
    before = priced_or_redirect(checkout, state, expired)
    if not isinstance(before, CheckoutPricing):
        return before
    now = utcnow()
    try:
        quote = fresh_quote(
            db.session, checkout.visitor, expired.currency, quoting_rate_table(),
            cart_currencies(checkout.cart), configured_spread_bps(current_app.config), now,
        )
    except UnknownRate:
        db.session.rollback()
        return redirect(url_for("checkout.review"), 303)
    after = priced_or_redirect(checkout, state, quote)
    if not isinstance(after, CheckoutPricing):
        return after
    method = PaymentMethod(form.payment_method.data)
    new_total, old_total = after.total_for(method), before.total_for(method)
    if new_total == old_total:
        message = _(
            "The exchange rates we held for you expired after %(minutes)s minutes. Your total "
            "is still %(total)s. Please confirm again.",
            minutes=format_decimal(current_app.config["QUOTE_MINUTES"]),
            total=money_filter(new_total),
        )
    else:
        message = _(
            "The exchange rates we held for you expired after %(minutes)s minutes. At today's "
            "rates your total is %(new)s (it was %(old)s). Please check and confirm again.",
            minutes=format_decimal(current_app.config["QUOTE_MINUTES"]),
            new=money_filter(new_total),
            old=money_filter(old_total),
        )
    return render_review(checkout, state, quote=quote, form=form, message=message, status=409)


def _shortage_message(line: Shortage) -> str:
    title = localized(line.title)
    if line.left <= 0:
        return _(
            "%(item)s (%(sku)s) is sold out: you asked for %(wanted)d. Nothing was ordered "
            "and your cart is unchanged: please remove it to continue.",
            item=title, sku=line.sku, wanted=line.wanted,
        )
    return _(
        "Only %(left)d left of %(item)s (%(sku)s): you asked for %(wanted)d. Nothing was "
        "ordered and your cart is unchanged: please lower the quantity to continue.",
        left=line.left, item=title, sku=line.sku, wanted=line.wanted,
    )
