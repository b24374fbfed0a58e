"""Names buyers and the operator read for order states, translatable."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from mall.orders.models import CancelReason

CANCEL_REASONS: dict[CancelReason, LazyString] = {
    CancelReason.EXPIRED: _l("not paid before its reservation ran out"),
    CancelReason.BUYER: _l("cancelled by the buyer"),
    CancelReason.CARD_DECLINED: _l("the card was declined too many times"),
}


def cancel_reason_label(reason: CancelReason | None) -> str:
    return str(CANCEL_REASONS[reason]) if reason is not None else str(_l("no reason given"))
