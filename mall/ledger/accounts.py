"""The ledger's accounts and the roles entries play on a post's payable.

An account is a kind (`Account`), a currency, and for payables the post: there is no table of
accounts to keep in step with the posts and currencies the mall learns. Amounts are signed:
a debit is positive, a credit negative, so a balanced transaction sums to zero per currency
and an account that the operator owes (a payable) has a negative balance."""

from __future__ import annotations

import enum


class Account(enum.Enum):
    #: Money the operator holds from buyers (its Stripe balance, its bank account).
    CLEARING = "clearing"
    #: What the operator owes one post (`post_id` set on its entries).
    PAYABLE = "payable"
    #: The operator's commission revenue.
    COMMISSION = "commission"
    #: Conversion between the buyer's currency and the posts' (spread and card rounding are
    #: what is left on it).
    FX = "fx"
    #: Payment costs the operator bears (bank charges on a short payment it accepted).
    FEES = "fees"
    #: Refunds decided and not yet carried out: what the operator owes buyers back.
    REFUNDS = "refunds"
    #: Payouts sent to posts and not yet confirmed by the bank or Stripe.
    PAYOUTS = "payouts"
    #: Money received that matches no order exactly, until the operator resolves it.
    SUSPENSE = "suspense"


class Role(enum.Enum):
    """What an entry on a post's payable stands for: the lines of its statement."""

    SALE = "sale"
    REFUND = "refund"
    COMMISSION = "commission"
    COMMISSION_REVERSAL = "commission_reversal"
    #: Money given back by the post (a reversed Stripe transfer) or a correction.
    ADJUSTMENT = "adjustment"
    PAYOUT = "payout"


class Kind(enum.Enum):
    """What caused a transaction."""

    SALE = "sale"
    REFUND = "refund"
    REFUND_PAID = "refund_paid"
    PAYOUT = "payout"
    PAYOUT_SENT = "payout_sent"
    PAYOUT_FAILED = "payout_failed"
    TRANSFER_REVERSAL = "transfer_reversal"
    DESK_RECEIPT = "desk_receipt"
    DESK_APPLIED = "desk_applied"
    DESK_FEE = "desk_fee"
    DESK_RETURNED = "desk_returned"
