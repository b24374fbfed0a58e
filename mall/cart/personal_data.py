"""A signed-in buyer's cart, for the privacy package (`mall.privacy`). Anonymous carts
belong to a visit and go with it (`mall.visitors.personal_data`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from mall.accounts.models import Buyer
from mall.cart.models import Cart, CartLine
from mall.privacy.registry import PersonalData, Tables, row


def export_cart(session: Session, buyer: Buyer) -> Tables:
    lines = session.scalars(
        select(CartLine)
        .join(Cart, Cart.id == CartLine.cart_id)
        .where(Cart.buyer_id == buyer.id)
        .options(joinedload(CartLine.product))
        .order_by(CartLine.id)
    )
    return {"cart": [
        row(line, ("quantity", "added_at"), sku=line.product.sku) for line in lines
    ]}


def erase_cart(session: Session, buyer: Buyer, now: datetime) -> None:
    """The cart, its lines and its applied form keys (the database cascades)."""
    session.execute(
        delete(Cart).where(Cart.buyer_id == buyer.id),
        execution_options={"synchronize_session": "fetch"},
    )


CART = PersonalData(
    name="cart", tables=("cart", "cart_line", "applied_cart_form"), export=export_cart,
    erase=erase_cart,
)
