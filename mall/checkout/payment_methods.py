"""Which ways to pay checkout offers a buyer.

Paying at a post office counter needs a post office that takes payments for the mall: one
of the buyer's own post, and only a post that is in the mall (live) does. A buyer in France
with no French post in the mall could not pay at any counter near them, so they are not
offered it. The buyer's country is the one of their profile when they set one (where they
live), else the country the stamps go to."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.accounts.models import Buyer
from mall.checkout.services import CheckoutPricing
from mall.orders.models import PaymentMethod
from mall.payments.card import can_charge, card_gateway
from mall.posts.models import Post, PostStatus


def buyer_country(buyer: Buyer | None, shipping_country: str) -> str:
    """Where the buyer lives, as far as the mall knows (ISO 3166 alpha-2, upper case)."""
    return ((buyer.country if buyer is not None else None) or shipping_country).upper()


def counter_available(session: Session, country: str) -> bool:
    """Whether the post of `country` is in the mall, so its counters take payments."""
    return session.scalar(
        select(Post.id).where(Post.code == country.lower(), Post.status == PostStatus.LIVE)
    ) is not None


def payment_methods(
    session: Session, pricing: CheckoutPricing, country: str
) -> list[tuple[PaymentMethod, bool]]:
    """The ways to pay this total, and whether each is usable: cards only when Stripe is
    configured (the method is not listed otherwise) and Stripe can take the card total (the
    total rounded to what Stripe charges, `CheckoutPricing.total_for`); the counter only
    for a buyer from a country whose post is in the mall (`country`, see `buyer_country`)."""
    methods: list[tuple[PaymentMethod, bool]] = []
    if card_gateway(current_app.config) is not None:
        methods.append((PaymentMethod.CARD, can_charge(pricing.total_for(PaymentMethod.CARD))))
    methods.append((PaymentMethod.BANK_TRANSFER, True))
    if counter_available(session, country):
        methods.append((PaymentMethod.COUNTER, True))
    return methods
