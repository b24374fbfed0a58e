"""The shipping option checkout ticks for a post before the buyer chooses.

An ordinary letter carries no tracking number: lost, it cannot be traced, and the post
pays nothing for it. That suits a stamp or two, not an order worth more than the buyer
would shrug off losing. So the default is the cheapest option, except when the post
order's goods are worth more than `UNTRACKED_LETTER_MAX_EUR` (converted into the post's
currency): then it is the cheapest *tracked* one. Weight bands make letters dear for heavy
orders anyway (ten presentation packs to Germany: letter €28.70, parcel €15.50), so
"cheapest" alone already stops that default, and the value rule stops the cheap letter
for a costly sheet. The buyer may still choose any option offered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mall.money import Money
from mall.rates.conversion import RateTable, UnknownRate
from mall.shipping.services import ShippingOption

#: The configured limit is written in euros (the rates' base).
LIMIT_CURRENCY = "EUR"


def untracked_limit(config: Mapping[str, Any], table: RateTable, currency: str) -> Money | None:
    """`UNTRACKED_LETTER_MAX_EUR` in `currency`; None when there is no rate to convert it
    (then tracking is preferred whatever the value)."""
    limit = Money.from_decimal(str(config["UNTRACKED_LETTER_MAX_EUR"]), LIMIT_CURRENCY)
    try:
        return table.convert(limit, currency)
    except UnknownRate:
        return None


def preselected(
    options: Sequence[ShippingOption], goods: Money, limit: Money | None
) -> ShippingOption | None:
    """The cheapest of `options` (the post's own order breaks ties); the cheapest tracked
    one when `goods` are worth more than `limit` (or no limit is known) and one is offered."""
    if not options:
        return None
    tracked = [option for option in options if option.method.tracked]
    valuable = limit is None or limit < goods
    candidates = tracked if valuable and tracked else options
    return min(candidates, key=lambda option: option.price.amount)
