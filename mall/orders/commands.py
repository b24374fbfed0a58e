"""`flask mall orders …`: the cron job that releases unpaid reservations, and a look at one
order from the command line.

`release-expired` is meant for cron (every few minutes):

    */5 * * * *  cd /srv/mall && flask --app wsgi mall orders release-expired --quiet

It prints the code of each order it cancelled, one per line on standard output (nothing
when there was nothing to do), and commits once: a run that fails half-way cancels nothing,
and the next run does the work. Running it twice, or two at once, cancels each order once
(`mall.orders.lifecycle.cancel_order` is one conditional update)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mall.columns import utcnow
from mall.extensions import db
from mall.money import Money
from mall.operator.models import ReceivedPayment
from mall.orders.models import Order, PostOrder
from mall.orders.references import InvalidReference, format_reference, order_code_in
from mall.payments.card import release_expired_orders

orders_cli = AppGroup("orders", help="Orders: release expired reservations, show an order.")


@orders_cli.command("release-expired")
@click.option("--quiet", is_flag=True, help="No summary line on standard error.")
def release_expired_command(quiet: bool) -> None:
    """Cancel unpaid orders whose reservation ran out and put their stock back on sale."""
    try:
        released = release_expired_orders(db.session, utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for order, _attempt in released:
        click.echo(order.code)
    if not quiet:
        click.echo(f"Released {len(released)} expired order(s).", err=True)


@orders_cli.command("show")
@click.argument("code_or_reference")
def show_command(code_or_reference: str) -> None:
    """Print an order, found by its code (K7MPQ2ZA) or its payment reference (RF18 K7MP…)."""
    code = _order_code(code_or_reference)
    order = db.session.scalar(
        select(Order)
        .where(Order.code == code)
        .options(
            selectinload(Order.post_orders).joinedload(PostOrder.post),
            selectinload(Order.post_orders).selectinload(PostOrder.lines),
        )
    )
    if order is None:
        raise click.ClickException(f"no order {code}")
    for line in _describe(order):
        click.echo(line)


def _order_code(text: str) -> str:
    try:
        return order_code_in(text)
    except InvalidReference as invalid:
        raise click.ClickException(str(invalid)) from None


def _money(amount: Money) -> str:
    return f"{amount.to_decimal()} {amount.currency}"


def _describe(order: Order) -> list[str]:
    lines = [
        f"Order {order.code}  ({order.status.value}, {order.payment_method.value})",
        f"  reference      {format_reference(order.payment_reference)}",
        f"  buyer          {order.email} ({order.locale})",
        f"  total          {_money(order.total)}  "
        f"(goods {_money(order.goods)}, shipping {_money(order.shipping)}"
        + (f", card rounding {_money(order.rounding)})" if order.rounding_minor else ")"),
        f"  placed         {order.created_at:%Y-%m-%d %H:%M} UTC",
        f"  reserved until {order.reserved_until:%Y-%m-%d %H:%M} UTC",
    ]
    if order.paid_at is not None:
        lines.append(f"  paid           {order.paid_at:%Y-%m-%d %H:%M} UTC")
    if order.cancelled_at is not None:
        reason = order.cancel_reason.value if order.cancel_reason else "no reason given"
        lines.append(
            f"  cancelled      {order.cancelled_at:%Y-%m-%d %H:%M} UTC ({reason})"
        )
    payment = db.session.scalar(
        select(ReceivedPayment).where(ReceivedPayment.order_id == order.id)
    )
    if payment is not None:
        lines.append(
            f"  received       {_money(Money(payment.amount_minor, payment.currency))} by "
            f"{payment.channel.value} on {payment.received_on:%Y-%m-%d}, recorded by "
            f"{payment.recorded_by.email}"
        )
    for post_order in order.post_orders:
        lines.append(
            f"  post {post_order.post.code}: {post_order.status.value}, "
            f"{_money(post_order.total)} ({_money(post_order.presentment_total)}), "
            f"commission {post_order.commission_bps} bps"
        )
        for line in post_order.lines:
            lines.append(f"    {line.quantity} × {line.sku}  {_money(line.amount)}")
    return lines
