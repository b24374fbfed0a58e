"""Names people read for the operator's enumerations — settlement's and a post's status (the
`label` template filter)."""

from __future__ import annotations

import enum

from flask_babel.speaklater import LazyString

from mall.i18n import lazy_translate as _l
from mall.posts.models import PostStatus
from mall.settlement.models import PayoutMethod, PayoutStatus, RefundStatus, StatementStatus

LABELS: dict[enum.Enum, LazyString] = {
    StatementStatus.DRAFT: _l("Draft"),
    StatementStatus.APPROVED: _l("Approved"),
    StatementStatus.PAID: _l("Paid"),
    PayoutMethod.STRIPE: _l("Stripe transfer"),
    PayoutMethod.BANK_TRANSFER: _l("Bank transfer"),
    PayoutMethod.UPU_CLEARING: _l("UPU clearing"),
    PayoutStatus.PENDING: _l("On its way"),
    PayoutStatus.SENT: _l("Sent"),
    PayoutStatus.FAILED: _l("Failed"),
    RefundStatus.PENDING: _l("Pending"),
    RefundStatus.DONE: _l("Refunded"),
    RefundStatus.FAILED: _l("Failed"),
    PostStatus.APPLIED: _l("Applied"),
    PostStatus.VERIFIED: _l("Verified, not open yet"),
    PostStatus.LIVE: _l("Open"),
    PostStatus.SUSPENDED: _l("Suspended"),
}
