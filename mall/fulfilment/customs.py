"""Customs declarations for items that leave the post's country (UPU CN22 and CN23).

Which form: CN22 for letter post whose contents are worth up to 300 SDR, CN23 above that
and for parcels and EMS. Values are converted to SDR (XDR) with the mall's current rates,
the SDR rate being kept with the others (`mall/rates/data/operator-rates.csv`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from mall.money import Money
from mall.orders.models import PostOrder
from mall.rates.conversion import RateTable
from mall.shipping.models import ShippingKind

#: The UPU's unit of account (Special Drawing Rights), in which customs limits are written.
SDR = "XDR"
CN22_LIMIT_SDR = Decimal(300)
HS_DESCRIPTIONS = {"4907": "Postage stamps, unused", "9704": "Postage stamps, used"}


class CustomsForm(Enum):
    CN22 = "CN22"
    CN23 = "CN23"


class SdrRateMissing(Exception):
    """No SDR rate (or no rate for the post's currency): the form cannot state its limit."""


@dataclass(frozen=True, slots=True)
class DeclaredItem:
    description: str
    quantity: int
    net_weight_g: int
    value: Money
    hs_code: str
    origin: str


@dataclass(frozen=True, slots=True)
class Declaration:
    form: CustomsForm
    sender: list[str]
    addressee: list[str]
    items: list[DeclaredItem]
    total_value: Money
    total_value_sdr: Money
    total_weight_g: int
    tracking_number: str | None
    on: date

    category: str = "Sale of goods"


def needs_declaration(post_order: PostOrder) -> bool:
    return post_order.order.ship_country.upper() != post_order.post.code.upper()


def form_for(post_order: PostOrder, value_sdr: Money) -> CustomsForm:
    method = post_order.shipping_method
    kind = method.kind if method is not None else ShippingKind.PARCEL
    if kind in (ShippingKind.PARCEL, ShippingKind.EMS):
        return CustomsForm.CN23
    return CustomsForm.CN22 if value_sdr.to_decimal() <= CN22_LIMIT_SDR else CustomsForm.CN23


def declaration(post_order: PostOrder, rates: RateTable, on: date) -> Declaration | None:
    """What the form says for this post order; None for an item that stays in the country."""
    if not needs_declaration(post_order):
        return None
    if not (rates.has(SDR) and rates.has(post_order.currency)):
        raise SdrRateMissing(post_order.currency)
    post, order = post_order.post, post_order.order
    items = [
        DeclaredItem(
            description=f"{_english(line.title)} ({line.format.value.replace('_', ' ')})",
            quantity=line.quantity,
            net_weight_g=line.weight_g * line.quantity,
            value=line.amount,
            hs_code=line.hs_code,
            origin=post.code.upper(),
        )
        for line in post_order.lines
    ]
    total = post_order.goods
    total_sdr = rates.convert(total, SDR)
    shipment = post_order.shipment
    return Declaration(
        form=form_for(post_order, total_sdr),
        sender=[_english(post.name), *post.address.splitlines(), post.code.upper()],
        addressee=[
            line for line in (
                order.ship_name, order.ship_line1, order.ship_line2,
                " ".join(filter(None, (order.ship_postal_code, order.ship_city))),
                order.ship_region, order.ship_country.upper(),
            ) if line
        ],
        items=items,
        total_value=total,
        total_value_sdr=total_sdr,
        total_weight_g=sum(item.net_weight_g for item in items),
        tracking_number=shipment.tracking_number if shipment is not None else None,
        on=on,
    )


def _english(texts: dict[str, str]) -> str:
    """Customs officers read the form in English (or French): the post's English text, else
    its first language."""
    return texts.get("en") or next(iter(texts.values()), "")
