"""Names buyers and posts' staff read for catalogue enumerations, translatable."""

from __future__ import annotations

import enum

from flask_babel.speaklater import LazyString

from mall.catalogue.models import Condition, ProductFormat, StockReason
from mall.i18n import lazy_translate as _l

LABELS: dict[enum.Enum, LazyString] = {
    ProductFormat.SINGLE: _l("Single stamp"),
    ProductFormat.SET: _l("Set"),
    ProductFormat.SOUVENIR_SHEET: _l("Souvenir sheet"),
    ProductFormat.SHEETLET: _l("Sheetlet"),
    ProductFormat.FIRST_DAY_COVER: _l("First day cover"),
    ProductFormat.BOOKLET: _l("Booklet"),
    ProductFormat.PRESENTATION_PACK: _l("Presentation pack"),
    Condition.MINT: _l("Mint"),
    Condition.USED: _l("Used"),
    Condition.CTO: _l("Cancelled to order"),
    StockReason.RECEIVED: _l("Received from the printer or the warehouse"),
    StockReason.DAMAGED: _l("Damaged"),
    StockReason.CORRECTION: _l("Stocktake correction"),
    StockReason.RETURNED: _l("Returned by a buyer"),
    StockReason.WITHDRAWN: _l("Withdrawn from sale"),
}


def label(member: enum.Enum) -> str:
    return str(LABELS[member])
