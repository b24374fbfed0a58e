"""The operator's figures at a glance, all read off the ledger (and the settlement tables
for what is waiting): a fixed number of aggregate queries whatever the mall's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mall.ledger.accounts import Account, Role
from mall.ledger.balances import account_balances, owed_to_posts
from mall.ledger.models import LedgerEntry
from mall.money import Money
from mall.posts.models import Post
from mall.sales.figures import utc_month
from mall.settlement.models import (
    Payout,
    PayoutStatus,
    Refund,
    RefundStatus,
    Statement,
    StatementStatus,
)

#: Months the sales chart shows, the current one included.
MONTHS = 12


@dataclass(frozen=True, slots=True)
class PostSales:
    post: Post
    currency: str
    #: (first day of the month, gross sales) for each of the last MONTHS months, oldest first.
    months: list[tuple[date, Money]]

    @property
    def total(self) -> Money:
        return sum((amount for _month, amount in self.months), Money.zero(self.currency))


@dataclass(frozen=True, slots=True)
class Dashboard:
    sales: list[PostSales]
    #: The operator's commission earned, net of reversals, per currency.
    commission: dict[str, Money]
    #: What is owed to each post now (positive), by post, with its currency.
    owed: list[tuple[Post, Money]]
    #: Money held in suspense (received, matched to nothing yet), per currency.
    suspense: dict[str, Money]
    #: Refunds decided and not yet paid out, per currency.
    refunds_owed: dict[str, Money]
    statements_to_approve: int
    statements_to_pay: int
    payouts_failed: list[Payout] = field(default_factory=list)
    refunds_failed: int = 0


def month_starts(now: datetime, months: int = MONTHS) -> list[date]:
    first = date(now.year, now.month, 1)
    starts = []
    for back in range(months - 1, -1, -1):
        index = first.year * 12 + first.month - 1 - back
        starts.append(date(index // 12, index % 12 + 1, 1))
    return starts


def dashboard(session: Session, now: datetime) -> Dashboard:
    starts = month_starts(now)
    since = datetime(starts[0].year, starts[0].month, 1, tzinfo=now.tzinfo)
    per_month: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for post_id, currency, month, total in session.execute(
        select(LedgerEntry.post_id, LedgerEntry.currency, utc_month(LedgerEntry.posted_at),
               func.sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.account == Account.PAYABLE, LedgerEntry.role == Role.SALE,
               LedgerEntry.posted_at >= since)
        .group_by(LedgerEntry.post_id, LedgerEntry.currency, utc_month(LedgerEntry.posted_at))
    ):
        per_month[(post_id, currency)][month] = -int(total)
    posts = {post.id: post for post in session.scalars(select(Post).order_by(Post.code))}
    sales = [
        PostSales(posts[post_id], currency, [
            (start, Money(months.get(f"{start.year:04d}-{start.month:02d}", 0), currency))
            for start in starts
        ])
        for (post_id, currency), months in sorted(per_month.items(),
                                                  key=lambda item: posts[item[0][0]].code)
    ]
    owed = sorted(
        ((posts[post_id], amount) for (post_id, _currency), amount in
         owed_to_posts(session).items() if amount.amount),
        key=lambda item: item[0].code,
    )
    statuses = dict(session.execute(
        select(Statement.status, func.count(Statement.id)).group_by(Statement.status)
    ).all())
    return Dashboard(
        sales=sales,
        commission={c: -m for c, m in account_balances(session, Account.COMMISSION).items()
                    if m.amount},
        owed=owed,
        suspense={c: -m for c, m in account_balances(session, Account.SUSPENSE).items()
                  if m.amount},
        refunds_owed={c: -m for c, m in account_balances(session, Account.REFUNDS).items()
                      if m.amount},
        statements_to_approve=statuses.get(StatementStatus.DRAFT, 0),
        statements_to_pay=statuses.get(StatementStatus.APPROVED, 0),
        payouts_failed=list(session.scalars(
            select(Payout).where(Payout.status == PayoutStatus.FAILED)
            .order_by(Payout.id.desc()).limit(10)
        )),
        refunds_failed=int(session.scalar(
            select(func.count(Refund.id)).where(Refund.status == RefundStatus.FAILED)
        ) or 0),
    )
