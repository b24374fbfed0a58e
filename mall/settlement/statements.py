"""Statements: what each post earned in a month, read off its payable in the ledger.

`settle` makes one statement per post with activity in the period, and may run any number
of times: a draft is recomputed (to the same figures, unless something was booked since), an
approved or paid statement is never touched again. The screen, the CSV and the PDF all print
`statement_lines`, so they agree to the minor unit."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from mall.ledger.accounts import Account, Role
from mall.ledger.models import LedgerEntry
from mall.money import Money
from mall.operator.models import StaffMember
from mall.orders.models import Order, PostOrder
from mall.pdf import amount, document, field, latin, row
from mall.posts.models import Post
from mall.settlement.models import Statement, StatementStatus
from mall.settlement.periods import BadPeriod, has_ended, period_bounds, period_name

#: The roles a statement counts; payouts are paid against statements, not part of them.
COUNTED = (Role.SALE, Role.REFUND, Role.COMMISSION, Role.COMMISSION_REVERSAL, Role.ADJUSTMENT)


@dataclass(frozen=True, slots=True)
class Figures:
    """A statement's columns as a person reads them: all positive but the net."""

    gross: Money
    refunds: Money
    commission: Money
    adjustments: Money

    @property
    def net(self) -> Money:
        return self.gross - self.refunds - self.commission + self.adjustments

    @classmethod
    def from_roles(cls, sums: dict[Role, int], currency: str) -> Figures:
        """From signed payable sums (credits negative) by role."""
        return cls(
            gross=Money(-sums.get(Role.SALE, 0), currency),
            refunds=Money(sums.get(Role.REFUND, 0), currency),
            commission=Money(
                sums.get(Role.COMMISSION, 0) + sums.get(Role.COMMISSION_REVERSAL, 0), currency
            ),
            adjustments=Money(-sums.get(Role.ADJUSTMENT, 0), currency),
        )


@dataclass(frozen=True, slots=True)
class StatementLine:
    order_code: str
    post_order_id: int
    figures: Figures


def settle(session: Session, period: date, now: datetime) -> list[Statement]:
    """The statements of `period` for every post with activity in it, by post code.
    Raises `BadPeriod` for a month that has not ended (its figures could still move)."""
    if not has_ended(period, now):
        raise BadPeriod(f"{period_name(period)} has not ended yet")
    start, end = period_bounds(period)
    in_period = (
        LedgerEntry.account == Account.PAYABLE,
        LedgerEntry.posted_at >= start,
        LedgerEntry.posted_at < end,
        LedgerEntry.role.in_(COUNTED),
    )
    sums: dict[tuple[int, str], dict[Role, int]] = defaultdict(dict)
    for post_id, currency, role, total in session.execute(
        select(LedgerEntry.post_id, LedgerEntry.currency, LedgerEntry.role,
               func.sum(LedgerEntry.amount_minor))
        .where(*in_period)
        .group_by(LedgerEntry.post_id, LedgerEntry.currency, LedgerEntry.role)
    ):
        sums[(post_id, currency)][role] = int(total)
    orders = dict(session.execute(
        select(LedgerEntry.post_id, func.count(LedgerEntry.post_order_id.distinct()))
        .where(*in_period[:3], LedgerEntry.role == Role.SALE)
        .group_by(LedgerEntry.post_id)
    ).all())
    existing = {
        statement.post_id: statement
        for statement in session.scalars(select(Statement).where(Statement.period == period))
    }
    for (post_id, currency), by_role in sorted(sums.items()):
        statement = existing.get(post_id)
        if statement is None:
            statement = Statement(post_id=post_id, period=period, currency=currency,
                                  status=StatementStatus.DRAFT, created_at=now)
            session.add(statement)
            existing[post_id] = statement
        if statement.status is StatementStatus.DRAFT:
            _fill(statement, Figures.from_roles(by_role, currency), orders.get(post_id, 0))
    session.flush()
    return statements_of(session, period)


def _fill(statement: Statement, figures: Figures, orders: int) -> None:
    statement.orders = orders
    statement.gross_minor = figures.gross.amount
    statement.refunds_minor = figures.refunds.amount
    statement.commission_minor = figures.commission.amount
    statement.adjustments_minor = figures.adjustments.amount
    statement.net_minor = figures.net.amount


def statements_of(session: Session, period: date) -> list[Statement]:
    return list(session.scalars(
        select(Statement).join(Post, Statement.post_id == Post.id)
        .where(Statement.period == period)
        .options(joinedload(Statement.post))
        .order_by(Post.code)
    ))


def figures_of(statement: Statement) -> Figures:
    return Figures(statement.gross, statement.refunds, statement.commission,
                   statement.adjustments)


def approve(session: Session, statement: Statement, staff: StaffMember, now: datetime) -> bool:
    """Draft → approved (once: a second click changes nothing and answers False)."""
    changed = session.execute(
        update(Statement)
        .where(Statement.id == statement.id, Statement.status == StatementStatus.DRAFT)
        .values(status=StatementStatus.APPROVED, approved_at=now, approved_by_id=staff.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(statement)
    return bool(changed)


def statement_lines(session: Session, statement: Statement) -> list[StatementLine]:
    """The statement, post order by post order (one query), in order of their codes."""
    start, end = period_bounds(statement.period)
    sums: dict[tuple[str, int], dict[Role, int]] = defaultdict(dict)
    for code, post_order_id, role, total in session.execute(
        select(Order.code, LedgerEntry.post_order_id, LedgerEntry.role,
               func.sum(LedgerEntry.amount_minor))
        .join(PostOrder, PostOrder.id == LedgerEntry.post_order_id)
        .join(Order, Order.id == PostOrder.order_id)
        .where(
            LedgerEntry.account == Account.PAYABLE,
            LedgerEntry.post_id == statement.post_id,
            LedgerEntry.currency == statement.currency,
            LedgerEntry.posted_at >= start,
            LedgerEntry.posted_at < end,
            LedgerEntry.role.in_(COUNTED),
        )
        .group_by(Order.code, LedgerEntry.post_order_id, LedgerEntry.role)
    ):
        sums[(code, post_order_id)][role] = int(total)
    return [
        StatementLine(code, post_order_id, Figures.from_roles(by_role, statement.currency))
        for (code, post_order_id), by_role in sorted(sums.items())
    ]


def statement_csv(statement: Statement, lines: list[StatementLine]) -> str:
    """One row per post order and a total row; amounts as plain decimals in the post's
    currency, every minor digit written, for spreadsheets and accounting software."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["statement", "post", "period", "currency", "status"])
    writer.writerow([statement.id, statement.post.code.upper(), period_name(statement.period),
                     statement.currency, statement.status.value])
    writer.writerow([])
    writer.writerow(["order", "gross", "refunds", "commission", "adjustments", "net"])
    for line in lines:
        writer.writerow([line.order_code, *_decimals(line.figures)])
    writer.writerow(["total", *_decimals(figures_of(statement))])
    return out.getvalue()


def _decimals(figures: Figures) -> list[str]:
    return [str(money.to_decimal()) for money in (
        figures.gross, figures.refunds, figures.commission, figures.adjustments, figures.net
    )]


def statement_pdf(statement: Statement, lines: list[StatementLine]) -> bytes:
    post = statement.post
    pdf = document()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, latin(f"Settlement statement {period_name(statement.period)}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    field(pdf, "Post", post.name.get("en") or post.code.upper())
    field(pdf, "Statement", f"#{statement.id} ({statement.status.value})")
    field(pdf, "Currency", statement.currency)
    field(pdf, "Orders", str(statement.orders))
    pdf.ln(2)
    widths = (30, 32, 32, 32, 32, 32)
    row(pdf, widths, ("Order", "Gross", "Refunds", "Commission", "Adjustments", "Net"),
        bold=True)
    for line in lines:
        row(pdf, widths, (line.order_code, *_amounts(line.figures)))
    row(pdf, widths, ("Total", *_amounts(figures_of(statement))), bold=True)
    pdf.ln(3)
    field(pdf, "Net payable", amount(statement.net))
    for payout in statement.payouts:
        field(pdf, f"Paid ({payout.method.value})",
              f"{amount(payout.amount)} {payout.status.value} {payout.reference}")
    return bytes(pdf.output())


def _amounts(figures: Figures) -> list[str]:
    return [f"{money.to_decimal():,}" for money in (
        figures.gross, figures.refunds, figures.commission, figures.adjustments, figures.net
    )]
