"""A collector's standing orders and saved card, in their account at the portal. Every
query is filtered by the signed-in buyer: another collector's standing order is a 404."""

from __future__ import annotations

from decimal import Decimal

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
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from mall.accounts.models import Buyer
from mall.accounts.profile_views import currency_choices
from mall.catalogue.models import Condition, Theme
from mall.checkout.forms import new_placement_key
from mall.currency import display_currency
from mall.extensions import db
from mall.i18n import localized
from mall.money import Money
from mall.orders.forms import TestCardForm
from mall.orders.models import PaymentMethod
from mall.orders.views import stripe_js_policy
from mall.payments.card import card_gateway
from mall.payments.provider import PaymentError, SavedCard
from mall.posts.models import Post, PostStatus
from mall.standing.cards import begin_setup, keep_card, remove_card, stored_card
from mall.standing.forms import ButtonForm, StandingOrderForm, StatusForm
from mall.standing.labels import format_label, placement_label
from mall.standing.models import StandingOrder, StandingPlacement, StandingStatus
from mall.transaction import writes

bp = Blueprint("standing", __name__, url_prefix="/account")

#: The portal session's key for the SetupIntent being confirmed in the browser (live mode).
SETUP_KEY = "card_setup"


@bp.before_request
@login_required
def signed_in_only() -> None:
    """Every page here is the signed-in collector's own."""


def _buyer() -> Buyer:
    return current_user._get_current_object()


def _own(standing_id: int) -> StandingOrder:
    standing = db.session.scalar(
        select(StandingOrder).where(StandingOrder.id == standing_id,
                                    StandingOrder.buyer_id == _buyer().id)
    )
    if standing is None or standing.status is StandingStatus.CANCELLED:
        abort(404, description=_("There is no such standing order in your account."))
    return standing


@bp.get("/standing-orders")
def index() -> ResponseReturnValue:
    buyer = _buyer()
    standing_orders = db.session.scalars(
        select(StandingOrder)
        .where(StandingOrder.buyer_id == buyer.id,
               StandingOrder.status != StandingStatus.CANCELLED)
        .options(joinedload(StandingOrder.post), joinedload(StandingOrder.theme))
        .order_by(StandingOrder.id)
    ).all()
    placements = db.session.scalars(
        select(StandingPlacement)
        .where(StandingPlacement.standing_order_id.in_([s.id for s in standing_orders]))
        .options(joinedload(StandingPlacement.issue), selectinload(StandingPlacement.order))
        .order_by(StandingPlacement.created_at.desc(), StandingPlacement.id.desc())
    ).all()
    by_standing: dict[int, list[StandingPlacement]] = {}
    for placement in placements:
        by_standing.setdefault(placement.standing_order_id, []).append(placement)
    return render_template(
        "standing/index.html",
        standing_orders=standing_orders,
        placements=by_standing,
        card=stored_card(db.session, buyer),
    )


@bp.route("/standing-orders/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    form = _form(None)
    if request.method == "GET":
        form.creation_key.data = new_placement_key()
    if form.validate_on_submit():
        key = form.creation_key.data
        if not key:
            abort(400, description=_("Please use the form of the page."))
        if db.session.scalar(
            select(StandingOrder.id).where(StandingOrder.creation_key == key)
        ) is not None:  # the same form again: it made its standing order already
            return redirect(url_for(".index"), 303)
        standing = StandingOrder(buyer_id=_buyer().id, creation_key=key)
        _fill(standing, form)
        try:
            with db.session.begin_nested():
                db.session.add(standing)
                db.session.flush()
        except IntegrityError:  # the same form, posted twice at once: the other one won
            return redirect(url_for(".index"), 303)
        flash(_("Your standing order is saved: the next new issue it covers will be "
                "ordered for you."), "success")
        return redirect(url_for(".index"), 303)
    return _render_form(form, None)


@bp.route("/standing-orders/<int:standing_id>", methods=["GET", "POST"])
def edit(standing_id: int) -> ResponseReturnValue:
    standing = _own(standing_id)
    form = _form(standing)
    if form.validate_on_submit():
        _fill(standing, form)
        flash(_("Your standing order is saved."), "success")
        return redirect(url_for(".index"), 303)
    return _render_form(form, standing)


@bp.post("/standing-orders/<int:standing_id>/status")
def change_status(standing_id: int) -> ResponseReturnValue:
    standing = _own(standing_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400, description=_("Please use the buttons of the standing order."))
    action = form.action.data
    if action == "pause":
        standing.status = StandingStatus.PAUSED
        flash(_("Your standing order is paused: new issues pass it by until you resume it."),
              "success")
    elif action == "resume":
        standing.status = StandingStatus.ACTIVE
        flash(_("Your standing order is active again."), "success")
    else:
        standing.status = StandingStatus.CANCELLED
        flash(_("Your standing order is cancelled. Orders it placed are kept."), "success")
    return redirect(url_for(".index"), 303)


def _form(standing: StandingOrder | None) -> StandingOrderForm:
    buyer = _buyer()
    has_card = stored_card(db.session, buyer) is not None
    if standing is not None and request.method == "GET":
        form = StandingOrderForm(has_card=has_card, data={
            "scope": (f"post:{standing.post_id}" if standing.post_id
                      else f"theme:{standing.theme_id}"),
            "formats": list(standing.formats),
            "condition": standing.condition.value,
            "quantity": standing.quantity,
            "currency": standing.currency,
            "max_per_issue": _decimal(standing.max_per_issue),
            "max_per_month": _decimal(standing.max_per_month),
            "payment_method": standing.payment_method.value,
            "address": str(standing.address_id or ""),
        })
    else:
        form = StandingOrderForm(has_card=has_card)
        if request.method == "GET":
            form.currency.data = buyer.preferred_currency or display_currency()
    posts = db.session.scalars(select(Post).where(Post.status == PostStatus.LIVE)).all()
    themes = db.session.scalars(select(Theme)).all()
    form.scope.choices = {
        _("Posts"): sorted(((f"post:{post.id}", localized(post.name)) for post in posts),
                           key=lambda choice: choice[1].casefold()),
        _("Themes, from every post"): sorted(
            ((f"theme:{theme.id}", localized(theme.name)) for theme in themes),
            key=lambda choice: choice[1].casefold()),
    }
    form.currency.choices = [
        choice for choice in currency_choices(standing.currency if standing else None) if choice[0]
    ]
    form.address.choices = [
        (str(address.id), f"{address.name}, {address.city} ({address.country})")
        for address in buyer.addresses
    ]
    if not form.address.choices:
        form.address.choices = [("", _("No address yet: add one under Addresses"))]
    return form


def _decimal(money: Money | None) -> Decimal | None:
    return money.to_decimal() if money is not None else None


def _fill(standing: StandingOrder, form: StandingOrderForm) -> None:
    kind, _colon, ident = form.scope.data.partition(":")
    standing.post_id = int(ident) if kind == "post" else None
    standing.theme_id = int(ident) if kind == "theme" else None
    standing.formats = sorted(form.formats.data)
    standing.condition = Condition(form.condition.data)
    standing.quantity = form.quantity.data
    standing.currency = form.currency.data
    standing.max_per_issue_minor = form.budget(form.max_per_issue)
    standing.max_per_month_minor = form.budget(form.max_per_month)
    standing.payment_method = PaymentMethod(form.payment_method.data)
    standing.address_id = int(form.address.data)


def _render_form(form: StandingOrderForm, standing: StandingOrder | None) -> ResponseReturnValue:
    status = 400 if form.is_submitted() else 200
    return render_template("standing/form.html", form=form, standing=standing), status


# --- the saved card -------------------------------------------------------------------------


@bp.get("/card")
def card() -> ResponseReturnValue:
    gateway = card_gateway(current_app.config)
    context = {
        "card": stored_card(db.session, _buyer()),
        "available": gateway is not None,
        "test_mode": gateway is not None and gateway.test_mode,
    }
    return render_template("standing/card.html", **context)


@bp.post("/card")
def add_card() -> ResponseReturnValue:
    """Test mode: one of Stripe's test cards, saved on the server. Live mode: a SetupIntent
    for Stripe.js on the page, which comes back to `card_complete`."""
    gateway = card_gateway(current_app.config)
    if gateway is None:
        abort(404, description=_("Cards cannot be saved at the moment."))
    form = TestCardForm()
    if gateway.test_mode and not form.validate_on_submit():
        abort(400, description=_("Please use one of the test card buttons."))
    if not gateway.test_mode and not ButtonForm().validate_on_submit():
        abort(400, description=_("Please use the button of the page."))
    buyer = _buyer()
    try:
        customer_id, setup = begin_setup(db.session, gateway, buyer)
        if not gateway.test_mode:
            session[SETUP_KEY] = {"setup": setup.payment_id, "customer": customer_id}
            response = current_app.make_response(render_template(
                "standing/card_setup.html", client_secret=setup.client_secret,
                publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY", ""),
            ))
            response.headers["Content-Security-Policy"] = stripe_js_policy()
            return response
        saved = gateway.confirm_test_setup(setup.payment_id, customer_id, form.card.data,
                                           f"buyer-{buyer.id}:{setup.payment_id}")
    except PaymentError:
        flash(_("The card could not be saved. Please try again in a few minutes."), "error")
        return redirect(url_for(".card"), 303)
    return _kept(buyer, saved)


@bp.get("/card/complete")
@writes
def card_complete() -> ResponseReturnValue:
    """Where Stripe.js sends the collector back after saving the card (live mode)."""
    pending = session.pop(SETUP_KEY, None)
    gateway = card_gateway(current_app.config)
    if (gateway is None or not isinstance(pending, dict)
            or request.args.get("setup_intent") != pending.get("setup")):
        abort(404, description=_("There is no card being saved in this browser."))
    try:
        saved = gateway.saved_card(str(pending["setup"]), str(pending["customer"]))
    except PaymentError:
        flash(_("The card could not be saved. Please try again in a few minutes."), "error")
        return redirect(url_for(".card"), 303)
    return _kept(_buyer(), saved)


def _kept(buyer: Buyer, saved: SavedCard | None) -> ResponseReturnValue:
    if saved is None:
        flash(_("Your bank refused to save this card. Nothing was saved."), "error")
        return redirect(url_for(".card"), 303)
    keep_card(db.session, buyer, saved)
    flash(_("Your card is saved for your standing orders."), "success")
    return redirect(url_for(".card"), 303)


@bp.post("/card/remove")
def forget_card() -> ResponseReturnValue:
    if not ButtonForm().validate_on_submit():
        abort(400, description=_("Please use the button of the page."))
    if remove_card(db.session, _buyer()):
        flash(_("Your card is removed, here and at Stripe."), "success")
    return redirect(url_for(".card"), 303)


bp.add_app_template_filter(placement_label, "placement_label")
bp.add_app_template_filter(format_label, "format_label")
