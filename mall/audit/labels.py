"""What people read for the audit log's action codes and target kinds. A code missing here
is shown as it is written: add a line with every new action."""

from __future__ import annotations

from flask_babel.speaklater import LazyString

from mall.i18n import lazy_translate as _l

#: Action families, for the log's filter, in the order the desk's menu has them.
FAMILIES: dict[str, LazyString] = {
    "application": _l("Applications"),
    "staff": _l("Staff"),
    "post": _l("Posts"),
    "payment": _l("Payments"),
    "suspense": _l("Suspense"),
    "refund": _l("Refunds"),
    "statement": _l("Statements"),
    "payout": _l("Payouts"),
}

ACTIONS: dict[str, LazyString] = {
    "application.approve": _l("Application approved"),
    "application.reject": _l("Application rejected"),
    "application.ask": _l("More information asked"),
    "staff.invite": _l("Staff member invited"),
    "post.name_add": _l("Name registered"),
    "post.name_remove": _l("Name given up"),
    "post.go_live": _l("Storefront opened"),
    "post.suspend": _l("Storefront suspended"),
    "payment.record": _l("Payment recorded"),
    "payment.hold": _l("Payment held in suspense"),
    "suspense.resolve": _l("Money in suspense dealt with"),
    "refund.create": _l("Refund made"),
    "refund.sent": _l("Bank refund recorded as sent"),
    "statement.settle": _l("Month settled"),
    "statement.approve": _l("Statement approved"),
    "payout.record": _l("Payout made"),
    "payout.method": _l("Payout method changed"),
    "payout.stripe_account": _l("Stripe account requested"),
}

TARGETS: dict[str, LazyString] = {
    "application": _l("Application"),
    "buyer_order": _l("Order"),
    "statement": _l("Statement"),
    "suspense_item": _l("Money in suspense"),
    "refund": _l("Refund"),
    "post": _l("Post"),
    "staff_member": _l("Staff member"),
    "period": _l("Month"),
}


def action_label(code: str) -> str:
    return str(ACTIONS[code]) if code in ACTIONS else code


def target_label(kind: str) -> str:
    return str(TARGETS[kind]) if kind in TARGETS else kind
