"""The cart's routes, on every host: add, change, remove; the cart page at the portal.

A storefront host whose session is not linked to a visitor yet keeps an add in its own
session, sends the browser through the portal's `/link` (which links it) and applies the
add on return, at `/cart/resume`. Nothing links on plain page views: only a buyer's add."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from mall.accounts.models import Buyer
from mall.cart.forms import (
    AddToCartForm,
    QuantityForm,
    first_error,
    max_quantity,
    new_form_key,
)
from mall.cart.models import Cart
from mall.cart.services import (
    CartChange,
    LineNotFound,
    ProductUnavailable,
    SoldOut,
    add_to_cart,
    cart_for,
    cart_item_count,
    cart_summary,
    find_cart,
    remove_line,
    sellable_product,
    set_quantity,
)
from mall.catalogue.labels import label
from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.currency import SESSION_KEY as CURRENCY_KEY
from mall.currency import display_currency, is_offered, rate_table
from mall.extensions import db
from mall.hosts import PORTAL_SUBDOMAIN, local_path
from mall.i18n import localized
from mall.posts.models import Post
from mall.rates.conversion import configured_spread_bps
from mall.tenancy import current_post, site_post
from mall.transaction import keep_changes, writes
from mall.visitors.context import current_visitor, ensure_visitor
from mall.visitors.models import Visitor
from mall.visitors.views import link_through_portal

#: Registered on every host (`subdomain=ANY_SITE`).
bp = Blueprint("cart", __name__)

#: This host's session key for an add waiting for the host to be linked.
PENDING_KEY = "cart_pending"


@bp.url_value_preprocessor
def load_site(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """On a storefront host, its post, as the storefront's own pages have it (the page's
    language and the price format follow it)."""
    site = (values or {}).pop("site", PORTAL_SUBDOMAIN)
    if site != PORTAL_SUBDOMAIN:
        current_post()  # a 404 for a host that is no live post's


@bp.app_template_global()
def cart_count() -> int | None:
    """For the top bar's cart link: how many items, once this host is linked; None
    otherwise, and the link is a plain one to the portal's cart (a page view never links
    a host)."""
    visitor = current_visitor()
    if visitor is None:
        return None
    return cart_item_count(db.session, visitor, _buyer(visitor))


@bp.app_template_global("cart_url")
def portal_cart_url() -> str:
    return url_for("cart.page", site=PORTAL_SUBDOMAIN, _external=True)


bp.add_app_template_global(new_form_key)
bp.add_app_template_global(max_quantity, "cart_max_quantity")


# --- the cart page ------------------------------------------------------------------------


@bp.get("/cart")
def page() -> ResponseReturnValue:
    """The cart, at the portal; a storefront's `/cart` leads there."""
    if site_post() is not None:
        return redirect(portal_cart_url())
    return _render_cart()


def _render_cart(
    errors: dict[int, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    visitor = current_visitor()
    cart = find_cart(db.session, visitor, _buyer(visitor)) if visitor is not None else None
    summary = cart_summary(
        db.session,
        cart,
        display_currency(),
        rate_table(),
        configured_spread_bps(current_app.config),
    )
    return render_template(
        "cart/cart.html", summary=summary, errors=errors or {}, max_quantity=max_quantity()
    ), status


# --- adding -------------------------------------------------------------------------------


@bp.post("/cart/add")
def add() -> ResponseReturnValue:
    """Add a product. A storefront adds only its own post's products."""
    form = AddToCartForm()
    if not form.validate_on_submit():
        abort(400, description=first_error(form))
    post: Post | None = site_post()
    back = local_path(form.next.data)
    visitor = current_visitor()
    if visitor is None and post is not None:
        return _link_then_add(form, post, back)
    if visitor is None:
        # The portal is the hub: it may know the visitor without any redirect, but only
        # once the product is known to be for sale.
        _sellable_or_404(form.product_id.data, None)
        visitor = ensure_visitor()
    return _apply_add(
        visitor,
        product_id=form.product_id.data,
        quantity=form.quantity.data,
        key=form.key.data,
        post_id=post.id if post is not None else None,
        back=back,
    )


def _link_then_add(form: AddToCartForm, post: Post, back: str) -> ResponseReturnValue:
    """Keep the add on this host, have the portal link the host, then apply it."""
    product = _sellable_or_404(form.product_id.data, post.id)
    if product.stock <= 0:
        flash(_sold_out_message(product), "error")
        return redirect(back)
    session[PENDING_KEY] = {
        "product_id": product.id,
        "quantity": form.quantity.data,
        "key": form.key.data,
        "back": back,
    }
    return link_through_portal(url_for(".resume"))


@bp.get("/cart/resume")
@writes
def resume() -> ResponseReturnValue:
    """Back from the portal with this host linked: apply the add kept for it, once (a
    reload finds nothing pending and goes to the cart)."""
    pending = session.pop(PENDING_KEY, None)
    visitor = current_visitor()
    if not _valid_pending(pending):
        return redirect(portal_cart_url())
    back = local_path(pending["back"])
    if visitor is None:
        flash(_("Your cart could not be reached. Please add the stamps again."), "error")
        return redirect(back)
    chosen = session.get(CURRENCY_KEY)
    if visitor.currency is None and is_offered(chosen):
        visitor.currency = chosen  # chosen here before the link: keep it everywhere
    return _apply_add(
        visitor,
        product_id=pending["product_id"],
        quantity=pending["quantity"],
        key=pending["key"],
        post_id=site_post().id if site_post() is not None else None,
        back=back,
    )


def _valid_pending(pending: object) -> bool:
    return (
        isinstance(pending, dict)
        and isinstance(pending.get("product_id"), int)
        and isinstance(pending.get("quantity"), int)
        and 1 <= pending["quantity"] <= max_quantity()
        and isinstance(pending.get("key"), str)
        and isinstance(pending.get("back"), str)
    )


def _apply_add(
    visitor: Visitor, *, product_id: int, quantity: int, key: str, post_id: int | None,
    back: str,
) -> ResponseReturnValue:
    cart = cart_for(db.session, visitor, _buyer(visitor))
    try:
        change = add_to_cart(db.session, cart, product_id, quantity, key=key, post_id=post_id)
    except ProductUnavailable:
        keep_changes()  # the visitor and its cart, if they were just made
        abort(404, description=_("This product is not for sale."))
    except SoldOut as sold_out:
        flash(_sold_out_message(sold_out.product), "error")
        return redirect(back)
    if change.replayed:
        flash(_("This was already added to your cart."), "info")
    elif change.capped:
        flash(_capped_message(change), "warning")
    else:
        flash(
            ngettext(
                "%(num)d × %(item)s added to your cart.",
                "%(num)d × %(item)s added to your cart.",
                quantity,
                item=item_name(change.product),
            ),
            "success",
        )
    return redirect(back)


# --- changing and removing ----------------------------------------------------------------


@bp.post("/cart/lines/<int:line_id>")
def update(line_id: int) -> ResponseReturnValue:
    """Set a line's quantity (capped by stock)."""
    cart = _current_cart_or_404(line_id)
    form = QuantityForm()
    if not form.validate_on_submit():
        if site_post() is None:
            return _render_cart({line_id: first_error(form)}, 400)
        abort(400, description=first_error(form))
    try:
        change = set_quantity(db.session, cart, line_id, form.quantity.data)
    except LineNotFound:
        abort(404, description=_("This item is not in your cart."))
    except ProductUnavailable:
        abort(409, description=_("This product is no longer for sale. You can remove it."))
    except SoldOut as sold_out:
        flash(_sold_out_message(sold_out.product), "error")
        return _back_to_cart(form.next.data)
    if change.capped:
        flash(_capped_message(change), "warning")
    else:
        flash(_("Quantity of %(item)s updated.", item=item_name(change.product)), "success")
    return _back_to_cart(form.next.data)


@bp.post("/cart/lines/<int:line_id>/remove")
def remove(line_id: int) -> ResponseReturnValue:
    cart = _current_cart_or_404(line_id)
    form = QuantityForm()  # for its CSRF check and `next`; the quantity is not used
    try:
        product = remove_line(db.session, cart, line_id)
    except LineNotFound:
        abort(404, description=_("This item is not in your cart."))
    flash(_("%(item)s was removed from your cart.", item=item_name(product)), "success")
    return _back_to_cart(form.next.data)


# --- helpers ------------------------------------------------------------------------------


def _buyer(visitor: Visitor) -> Buyer | None:
    return visitor.signed_in_buyer(utcnow())


def _current_cart_or_404(line_id: int) -> Cart:
    """The cart the line must be in; a 404 for a line of no cart of this visitor's."""
    visitor = current_visitor()
    cart = find_cart(db.session, visitor, _buyer(visitor)) if visitor is not None else None
    if cart is None:
        abort(404, description=_("This item is not in your cart."))
    return cart


def _sellable_or_404(product_id: int, post_id: int | None) -> Product:
    try:
        return sellable_product(db.session, product_id, post_id)
    except ProductUnavailable:
        abort(404, description=_("This product is not for sale."))


def _back_to_cart(next_path: str | None) -> ResponseReturnValue:
    if next_path:
        return redirect(local_path(next_path))
    return redirect(url_for(".page"))


def item_name(product: Product) -> str:
    """"Wetlands for our future (Souvenir sheet)": how the buyer recognises a line."""
    return _(
        "%(title)s (%(format)s)",
        title=localized(product.issue.title),
        format=label(product.format),
    )


def _capped_message(change: CartChange) -> str:
    return ngettext(
        "Only %(num)d left: your cart now holds %(num)d.",
        "Only %(num)d left: your cart now holds %(num)d.",
        change.quantity,
    )


def _sold_out_message(product: Product) -> str:
    return _("Sorry, %(item)s is sold out.", item=item_name(product))
