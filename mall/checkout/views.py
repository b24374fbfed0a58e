"""Checkout at the portal, in three steps and a confirmation: where to (`/checkout`), how
each post ships (`/checkout/shipping`), the review with a locked quote (`/checkout/review`),
and placing the order (`POST /checkout/place`, in `mall.checkout.placing`).

The buyer's choices live in the portal's (signed) session between the steps; the ids in
them, and in every form, are checked again against this visitor, this cart and what each
post offers, so another visitor's quote or another post's shipping method is refused."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, NamedTuple

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
from flask_babel import format_time
from flask_babel import gettext as _
from sqlalchemy import select

from mall.accounts.models import Address, Buyer
from mall.cart.forms import first_error
from mall.cart.models import Cart, CartLine
from mall.cart.services import cart_summary, find_cart
from mall.catalogue.models import Product
from mall.checkout.forms import (
    CheckoutAddressForm,
    PlaceOrderForm,
    SavedAddressForm,
    ShippingForm,
    new_placement_key,
    shipping_country_choices,
)
from mall.checkout.payment_methods import buyer_country, payment_methods
from mall.checkout.services import (
    ADDRESS_FIELDS,
    CheckoutPricing,
    CheckoutState,
    ShippingNeeded,
    address_from,
    fresh_quote,
    price_checkout,
    shipping_options,
    usable_quote,
)
from mall.columns import utcnow
from mall.currency import display_currency, quoting_rate_table, rate_table
from mall.extensions import db
from mall.i18n import localized
from mall.money import Money
from mall.orders.models import PaymentMethod, Quote
from mall.orders.placement import (
    EmptyCart,
    PostNotSelling,
)
from mall.payments.card import card_gateway
from mall.payments.stripe_units import card_step
from mall.rates.conversion import UnknownRate, configured_spread_bps
from mall.shipping.defaults import preselected, untracked_limit
from mall.shipping.zones import UnknownCountry
from mall.transaction import writes
from mall.visitors.context import current_visitor
from mall.visitors.models import Visitor

log = logging.getLogger(__name__)

#: At the portal (`subdomain=PORTAL_SUBDOMAIN`).
bp = Blueprint("checkout", __name__)

#: The portal session's key for the checkout state (see `CheckoutState`).
STATE_KEY = "checkout"


class Checkout(NamedTuple):
    """Who checks out, and their cart."""

    visitor: Visitor
    buyer: Buyer | None
    cart: Cart


def current_checkout() -> Checkout | None:
    """This visitor's cart, if it holds anything (one query)."""
    visitor = current_visitor()
    if visitor is None:
        return None
    buyer = visitor.signed_in_buyer(utcnow())
    cart = find_cart(db.session, visitor, buyer, holding_lines=True)
    return None if cart is None else Checkout(visitor, buyer, cart)


def empty_cart() -> ResponseReturnValue:
    flash(_("Your cart is empty: add some stamps before checking out."), "info")
    return redirect(url_for("cart.page"), 303)


def nothing_to_buy() -> ResponseReturnValue:
    """The cart holds lines, but none can be bought now (sold out, off sale)."""
    flash(_("Nothing in your cart can be bought now: what is there is sold out or no longer "
            "on sale."), "error")
    return redirect(url_for("cart.page"), 303)


def checkout_state() -> CheckoutState | None:
    return CheckoutState.load(session.get(STATE_KEY))


def save_state(state: CheckoutState) -> None:
    session[STATE_KEY] = state.dump()


# --- step 1: the address --------------------------------------------------------------------


@bp.route("/checkout", methods=["GET", "POST"])
def address() -> ResponseReturnValue:
    checkout = current_checkout()
    if checkout is None:
        return empty_cart()
    buyer = checkout.buyer
    state = checkout_state()
    saved = list(buyer.addresses) if buyer is not None else []
    form = CheckoutAddressForm(email_required=buyer is None, data=_prefill(state, buyer))
    saved_form = SavedAddressForm(prefix="saved")
    if request.method == "POST":
        if request.form.get("use") == "saved" and buyer is not None:
            chosen = _saved_address(saved_form, saved)
            if chosen is not None:
                return _address_chosen(state, buyer.email, address_from(vars_of(chosen)))
        elif form.validate_on_submit():
            values = {name: form[name].data for name in ADDRESS_FIELDS}
            email = form.email.data or (buyer.email if buyer is not None else "")
            return _address_chosen(state, email, address_from(values))
        status = 400
    else:
        status = 200
    return render_template(
        "checkout/address.html",
        form=form,
        saved_form=saved_form,
        saved=saved,
        country_names=dict(shipping_country_choices()),
        buyer=buyer,
    ), status


def vars_of(address: Address) -> dict[str, Any]:
    return {name: getattr(address, name) for name in ADDRESS_FIELDS}


def _saved_address(form: SavedAddressForm, saved: list[Address]) -> Address | None:
    """The buyer's own saved address the form names; an error on the form otherwise."""
    if not form.validate_on_submit():
        return None
    chosen = next((a for a in saved if a.id == form.address_id.data), None)
    if chosen is None:
        form.address_id.errors = [_("Please choose one of your addresses.")]
        return None
    if chosen.country not in dict(shipping_country_choices()):
        form.address_id.errors = [
            _("The posts cannot ship to this address's country. Please enter the address below.")
        ]
        return None
    return chosen


def _prefill(state: CheckoutState | None, buyer: Buyer | None) -> dict[str, Any]:
    if state is not None:
        return {"email": state.email, **{n: getattr(state.address, n) for n in ADDRESS_FIELDS}}
    if buyer is not None:
        return {"email": buyer.email, "name": buyer.name, "country": buyer.country or ""}
    return {}


def _address_chosen(
    state: CheckoutState | None, email: str, address: Any
) -> ResponseReturnValue:
    """Keep the address; a new country voids the shipping choices (zones and prices
    follow it)."""
    shipping = state.shipping if state and state.address.country == address.country else {}
    save_state(CheckoutState(email=email, address=address, shipping=shipping, quote_id=None))
    return redirect(url_for(".shipping"), 303)


# --- step 2: shipping -----------------------------------------------------------------------


@bp.route("/checkout/shipping", methods=["GET", "POST"])
def shipping() -> ResponseReturnValue:
    checkout = current_checkout()
    if checkout is None:
        return empty_cart()
    state = checkout_state()
    if state is None:
        return redirect(url_for(".address"), 303)
    summary = cart_summary(
        db.session, checkout.cart, display_currency(), rate_table(),
        configured_spread_bps(current_app.config),
    ).buyable()
    if summary.is_empty:
        return nothing_to_buy()
    try:
        options = shipping_options(db.session, summary, state.address.country)
    except UnknownCountry:
        flash(_("Please choose the country the stamps go to."), "error")
        return redirect(url_for(".address"), 303)
    form = ShippingForm()
    chosen = dict(state.shipping)
    errors: dict[int, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, description=first_error(form))
        for group in summary.groups:
            offered = {option.method_id for option in options[group.post.id]}
            raw = request.form.get(f"method-{group.post.id}", "")
            if not offered:
                errors[group.post.id] = _no_shipping_message(group.post)
            elif not raw.isdecimal() or not raw.isascii() or int(raw) not in offered:
                errors[group.post.id] = _(
                    "Please choose one of the shipping methods %(post)s offers.",
                    post=localized(group.post.name),
                )
            else:
                chosen[group.post.id] = int(raw)
        if not errors:
            save_state(dataclasses.replace(state, shipping=chosen))
            return redirect(url_for(".review"), 303)
    else:
        table = rate_table()
        for group in summary.groups:
            offered = options[group.post.id]
            if chosen.get(group.post.id) not in [option.method_id for option in offered]:
                limit = untracked_limit(current_app.config, table, group.post.currency)
                default = preselected(offered, group.subtotal, limit)
                if default is not None:
                    chosen[group.post.id] = default.method_id
    return render_template(
        "checkout/shipping.html",
        form=form,
        summary=summary,
        options=options,
        chosen=chosen,
        errors=errors,
        state=state,
        country_name=dict(shipping_country_choices()).get(state.address.country, ""),
    ), 400 if errors else 200


def _no_shipping_message(post: Any) -> str:
    return _(
        "%(post)s does not send these stamps to your country. Remove them from your cart, "
        "or ship the order to another address.",
        post=localized(post.name),
    )


# --- step 3: review -------------------------------------------------------------------------


@bp.get("/checkout/review")
@writes
def review() -> ResponseReturnValue:
    checkout = current_checkout()
    if checkout is None:
        return empty_cart()
    state = checkout_state()
    if state is None:
        return redirect(url_for(".address"), 303)
    return render_review(checkout, state)


def render_review(
    checkout: Checkout,
    state: CheckoutState,
    *,
    quote: Quote | None = None,
    form: PlaceOrderForm | None = None,
    message: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """Price the order with a quote (this visitor's current one, or new rates) and show it.
    Commits: the quote must exist when the buyer confirms."""
    now = utcnow()
    currency = display_currency()
    currencies = cart_currencies(checkout.cart)
    if quote is None:
        quote = usable_quote(
            db.session, state.quote_id, checkout.visitor, currency, currencies, now
        )
    if quote is None:
        try:
            quote = fresh_quote(
                db.session, checkout.visitor, currency, quoting_rate_table(), currencies,
                configured_spread_bps(current_app.config), now,
            )
        except UnknownRate as unknown:
            db.session.rollback()
            flash(
                _("Prices in %(currency)s cannot be converted today: the mall has no exchange "
                  "rate for it. Please choose another currency.", currency=unknown.currency),
                "error",
            )
            return redirect(url_for("cart.page"), 303)
    pricing = priced_or_redirect(checkout, state, quote)
    if not isinstance(pricing, CheckoutPricing):
        return pricing
    save_state(dataclasses.replace(state, quote_id=quote.id))
    methods = payment_methods(
        db.session, pricing, buyer_country(checkout.buyer, state.address.country)
    )
    chosen = form.payment_method.data if form is not None else None
    if chosen not in [method.value for method, _usable in methods]:
        chosen = None
    gateway = card_gateway(current_app.config)
    card_usable = (PaymentMethod.CARD, True) in methods
    page = render_template(
        "checkout/review.html",
        pricing=pricing,
        # Shown only where a card can pay and its total differs from the exact one.
        card_rounding=pricing.card_rounding if card_usable and pricing.card_rounding else None,
        card_total=pricing.total_for(PaymentMethod.CARD),
        card_step=Money(card_step(pricing.currency), pricing.currency) if card_usable else None,
        state=state,
        form=form or PlaceOrderForm(formdata=None),
        methods=methods,
        chosen=chosen,
        placement_key=new_placement_key(),
        message=message,
        test_mode=gateway is not None and gateway.test_mode,
        quote_minutes=current_app.config["QUOTE_MINUTES"],
        expires=format_time(quote.expires_at, "short"),
        country_name=dict(shipping_country_choices()).get(state.address.country, ""),
    )
    db.session.commit()  # after rendering: committing expires what the page reads
    return page, status


def priced_or_redirect(
    checkout: Checkout, state: CheckoutState, quote: Quote
) -> CheckoutPricing | ResponseReturnValue:
    try:
        return price_checkout(
            db.session, checkout.cart, state.address.country, state.shipping, quote
        )
    except EmptyCart:  # the cart has lines (see current_checkout), none buyable
        return nothing_to_buy()
    except PostNotSelling as closed:
        db.session.rollback()
        flash(post_closed_message(closed.post), "error")
        return redirect(url_for("cart.page"), 303)
    except UnknownCountry:
        db.session.rollback()
        flash(_("Please choose the country the stamps go to."), "error")
        return redirect(url_for(".address"), 303)
    except ShippingNeeded as needed:
        for post in needed.posts:
            flash(
                _("Please choose how %(post)s sends your stamps.", post=localized(post.name)),
                "error",
            )
        return redirect(url_for(".shipping"), 303)


def cart_currencies(cart: Cart) -> set[str]:
    return set(
        db.session.scalars(
            select(Product.currency)
            .join(CartLine, CartLine.product_id == Product.id)
            .where(CartLine.cart_id == cart.id)
            .distinct()
        )
    )


def post_closed_message(post: Any) -> str:
    return _(
        "%(post)s is not selling at the moment. Please remove its stamps from your cart.",
        post=localized(post.name),
    )
