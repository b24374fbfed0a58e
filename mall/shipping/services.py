"""Which shipping methods a post offers for a parcel, and at what price.

Checkout shows `options_for_posts` (one query whatever the number of posts in the cart),
and prices the order with the chosen options when it is placed; an order placed without
that pricing (a standing order) prices the chosen methods with `quote_options`. Either way
the method id comes from a form, so it is checked to belong to the post, to be active and
to be offered for that destination and weight, and the price is never taken from the form.

The weight is the goods' weight; each method adds its packaging (an envelope, a box) before
the weight band is chosen, because that is what the post office counter weighs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import lazy_ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from mall.i18n import lazy_translate as _l
from mall.money import CurrencyMismatch, Money
from mall.posts.models import Post
from mall.shipping.models import ShippingMethod, ShippingRate
from mall.shipping.zones import Zone, normalise_country, zone_for


class ShippingUnavailable(Exception):
    """The method cannot ship this order: unknown, another post's, inactive, or without a
    rate for the destination's zone and the parcel's weight. Another post's method is
    refused exactly like a missing one, so that ids of other posts reveal nothing."""

    message = _l("This shipping method is not available for this order. Please choose another.")

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        #: For logs and tests; buyers read `message`.
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DeliveryEstimate:
    """Working days from dispatch to delivery, as the post announces them."""

    min_days: int
    max_days: int

    @property
    def label(self) -> LazyString:
        if self.min_days == self.max_days:
            return lazy_ngettext("%(num)d working day", "%(num)d working days", self.max_days)
        return _l("%(min)d–%(max)d working days", min=self.min_days, max=self.max_days)


@dataclass(frozen=True, slots=True)
class ShippingOption:
    """One method a post offers for one parcel, priced."""

    method: ShippingMethod
    zone: Zone
    #: What the buyer pays, in the post's currency: zero when `free`.
    price: Money
    #: The rate before the free-shipping threshold, to show what was waived.
    regular_price: Money
    #: The goods subtotal reached the method's free-shipping threshold.
    free: bool
    #: The method's threshold, if it has one (to say "free from …" when not yet reached).
    free_over: Money | None
    estimate: DeliveryEstimate | None
    #: Goods plus packaging: the weight the rate was chosen for.
    shipped_weight_g: int

    @property
    def method_id(self) -> int:
        return self.method.id

    @property
    def note(self) -> LazyString | None:
        """Says why the price is zero."""
        return _l("Free shipping") if self.free else None


class Consignment(NamedTuple):
    """One post's part of a cart, as shipping sees it."""

    post: Post
    #: The goods' weight in grams, without packaging.
    weight_g: int
    #: The goods' price in the post's currency (what a free-shipping threshold is set on).
    goods_subtotal: Money


def options_for(
    session: Session,
    post: Post,
    destination_country: str,
    weight_g: int,
    goods_subtotal: Money,
) -> list[ShippingOption]:
    """The methods `post` offers to `destination_country` for goods of `weight_g` grams,
    cheapest band of each, in the post's order. Raises `UnknownCountry` for a bad code."""
    consignment = Consignment(post, weight_g, goods_subtotal)
    return options_for_posts(session, [consignment], destination_country)[post.id]


def options_for_posts(
    session: Session,
    consignments: Iterable[Consignment | tuple[Post, int, Money]],
    destination_country: str,
    chosen: Mapping[int, int] | None = None,
) -> dict[int, list[ShippingOption]]:
    """`options_for` for every post of a cart at once, keyed by post id, in one query:
    checkout renders this for every cart, and a cart may hold a dozen posts. With `chosen`
    (post id to method id), only the chosen method's option, if offered: pricing the order
    the buyer reviews or places needs no other (a fifth of the rows)."""
    parts = [Consignment(*consignment) for consignment in consignments]
    zones = {part.post.id: _zone(part, destination_country) for part in parts}
    if len(zones) != len(parts):
        raise ValueError("each post may appear only once")
    if not parts:
        return {}
    each_post_in_its_zone = [
        and_(ShippingRate.post_id == post_id, ShippingRate.zone == zone,
             *([] if chosen is None else [ShippingRate.method_id == chosen.get(post_id, 0)]))
        for post_id, zone in zones.items()
    ]
    rows = _rates(session, or_(*each_post_in_its_zone))
    return {part.post.id: _options(part, zones[part.post.id], rows) for part in parts}


def quote_option(
    session: Session,
    method_id: int,
    post_id: int,
    destination_country: str,
    weight_g: int,
    goods_subtotal: Money,
) -> ShippingOption:
    """The option for the method the buyer chose, checked again from the database.

    Raises `ShippingUnavailable` when the method is not the post's, not active, or not
    offered for this destination and weight; `UnknownCountry` for a bad country code."""
    post = session.get(Post, post_id)
    if post is None:
        raise ShippingUnavailable(f"no post {post_id}")
    part = Consignment(post, weight_g, goods_subtotal)
    return quote_options(session, [(part, method_id)], destination_country)[post.id]


def quote_options(
    session: Session,
    choices: Sequence[tuple[Consignment, int]],
    destination_country: str,
) -> dict[int, ShippingOption]:
    """`quote_option` for each post of an order and the method chosen for it, keyed by post
    id, in one query: placing an order must not cost a query per post."""
    zones = {part.post.id: _zone(part, destination_country) for part, _method_id in choices}
    if len(zones) != len(choices):
        raise ValueError("each post may appear only once")
    if not choices:
        return {}
    each_choice = [
        and_(
            ShippingRate.method_id == method_id,
            ShippingRate.post_id == part.post.id,
            ShippingMethod.post_id == part.post.id,
            ShippingRate.zone == zones[part.post.id],
        )
        for part, method_id in choices
    ]
    rows = _rates(session, or_(*each_choice))
    chosen: dict[int, ShippingOption] = {}
    for part, method_id in choices:
        options = [
            option for option in _options(part, zones[part.post.id], rows)
            if option.method_id == method_id
        ]
        if not options:
            raise ShippingUnavailable(
                f"method {method_id} is not offered by post {part.post.code} to "
                f"{destination_country} for {part.weight_g} g"
            )
        chosen[part.post.id] = options[0]
    return chosen


def quote_shipping(
    session: Session,
    method_id: int,
    post_id: int,
    destination_country: str,
    weight_g: int,
    goods_subtotal: Money,
) -> Money:
    """The shipping price to charge for the buyer's chosen method (see `quote_option`)."""
    return quote_option(
        session, method_id, post_id, destination_country, weight_g, goods_subtotal
    ).price


def _zone(part: Consignment, destination_country: str) -> Zone:
    """Check the consignment's values (bad ones are bugs in the caller, not buyer input,
    except the country) and place the destination."""
    if isinstance(part.weight_g, bool) or not isinstance(part.weight_g, int):
        raise TypeError(f"weight must be whole grams, not {part.weight_g!r}")
    if part.weight_g < 0:
        raise ValueError(f"negative weight {part.weight_g} g")
    if part.goods_subtotal.currency != part.post.currency:
        raise CurrencyMismatch(
            f"goods in {part.goods_subtotal.currency}, post {part.post.code} prices in"
            f" {part.post.currency}"
        )
    return zone_for(part.post.code, normalise_country(destination_country))


def _rates(
    session: Session, condition: ColumnElement[bool]
) -> Sequence[tuple[ShippingMethod, ShippingRate]]:
    """Active methods with their rates matching `condition`, in the posts' own order."""
    statement = (
        select(ShippingMethod, ShippingRate)
        .join(ShippingRate.method)
        .where(ShippingMethod.active, condition)
        .order_by(
            ShippingMethod.post_id,
            ShippingMethod.position,
            ShippingMethod.id,
            ShippingRate.price_minor,
            ShippingRate.max_weight_g,
        )
    )
    return [(method, rate) for method, rate in session.execute(statement).all()]


def _options(
    part: Consignment, zone: Zone, rows: Sequence[tuple[ShippingMethod, ShippingRate]]
) -> list[ShippingOption]:
    """For each of the post's methods, the cheapest rate the parcel fits (rows come sorted
    by price, so the first that fits is it). A method without one is not offered."""
    options: list[ShippingOption] = []
    seen: set[int] = set()
    for method, rate in rows:
        if method.post_id != part.post.id or rate.zone is not zone or method.id in seen:
            continue
        if method.currency != part.post.currency:
            continue  # priced in a currency the post no longer sells in: not offerable
        shipped = part.weight_g + method.packaging_weight_g
        if rate.max_weight_g < shipped:
            continue
        seen.add(method.id)
        options.append(_priced(method, rate, zone, part.goods_subtotal, shipped))
    return options


def _priced(
    method: ShippingMethod, rate: ShippingRate, zone: Zone, goods: Money, shipped_g: int
) -> ShippingOption:
    regular = Money(rate.price_minor, method.currency)
    threshold = method.free_over
    free = threshold is not None and threshold <= goods
    estimate = None
    if rate.min_days is not None and rate.max_days is not None:
        estimate = DeliveryEstimate(rate.min_days, rate.max_days)
    return ShippingOption(
        method=method,
        zone=zone,
        price=Money.zero(method.currency) if free else regular,
        regular_price=regular,
        free=free,
        free_over=threshold,
        estimate=estimate,
        shipped_weight_g=shipped_g,
    )
