"""An issue going on sale places each matching standing order's order exactly once, with
the stock taken as checkout takes it: what the collector asked for, within budget."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from mall.catalogue.editing import unpublish
from mall.catalogue.models import Condition, Product, ProductFormat
from mall.columns import utcnow
from mall.extensions import db
from mall.orders.models import Order, OrderLine, OrderStatus, PaymentMethod
from mall.orders.references import format_reference
from mall.outbox import enqueue
from mall.outbox.models import OutboxTask
from mall.outbox.services import dispatch_committed
from mall.standing.models import PlacementOutcome, StandingPlacement, StandingStatus
from mall.standing.placing import place_for_issue
from tests.standing.conftest import count, mails_to, make_buyer, put_on_sale

pytest_plugins = ["tests.support.checkout_fixtures"]


def _lines(order: Order) -> dict[str, int]:
    return {line.sku: line.quantity for post_order in order.post_orders
            for line in post_order.lines}


def test_an_issue_on_sale_is_ordered_by_reference_with_its_instructions(
        collector, draft, make_standing):
    make_standing(collector)
    put_on_sale(draft["issue"])
    order = db.session.scalar(select(Order))
    assert order.buyer_id == collector.id
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.payment_method is PaymentMethod.BANK_TRANSFER
    assert order.currency == "EUR"  # the collector's currency, at the mall's rates
    assert order.ship_city == "Lyon"
    assert _lines(order) == {draft["single"].sku: 2}
    assert db.session.get(Product, draft["single"].id).stock == 3
    post_order = order.post_orders[0]
    # The default rules: 40 pesos of stamps (under 25 EUR) go by the cheapest, a letter.
    assert post_order.shipping_method.slug == "letter"
    assert order.total_minor == order.goods_minor + order.shipping_minor
    [mail] = mails_to(collector.email)
    assert order.code in mail.subject
    assert format_reference(order.payment_reference) in mail.text_body


def test_exactly_once_per_issue_when_retried_or_announced_again(
        collector, draft, make_standing):
    standing = make_standing(collector)
    issue = draft["issue"]
    put_on_sale(issue)
    assert place_for_issue(db.session, standing.id, issue.id, utcnow()) is None  # a retry
    enqueue(db.session, "standing.place", {"standing_order_id": standing.id,
                                           "issue_id": issue.id})
    db.session.commit()
    dispatch_committed(db.session)  # the task itself, run again
    unpublish(issue)
    db.session.commit()
    put_on_sale(issue)  # taken off sale and put back: announced again
    assert count(Order) == 1
    assert count(StandingPlacement) == 1
    assert db.session.get(Product, draft["single"].id).stock == 3
    assert db.session.scalar(
        select(func.count()).select_from(OutboxTask).where(OutboxTask.kind == "standing.place")
    ) == 2  # the second announcement found it served and enqueued nothing
    assert len(mails_to(collector.email)) == 1


def test_formats_and_condition_are_respected(collector, draft, make_standing):
    make_standing(collector, quantity=1, condition=Condition.USED,
                  formats=[ProductFormat.SINGLE.value, ProductFormat.FIRST_DAY_COVER.value])
    put_on_sale(draft["issue"])
    order = db.session.scalar(select(Order))
    assert _lines(order) == {draft["used"].sku: 1}  # not the mint single, not the mint cover


def test_nothing_in_the_chosen_formats_places_nothing_and_mails_nothing(
        collector, draft, make_standing):
    make_standing(collector, formats=[ProductFormat.BOOKLET.value])
    put_on_sale(draft["issue"])
    assert count(Order) == 0
    assert db.session.scalar(select(StandingPlacement.outcome)) is PlacementOutcome.NOTHING_MATCHING
    assert mails_to(collector.email) == []


def test_a_theme_follows_issues_of_every_post_and_a_post_only_its_own(
        collector, draft, shop, make_standing):
    birds = draft["issue"].themes[0]
    make_standing(collector, theme_id=birds.id, quantity=1)
    make_standing(collector, post_id=shop["nl"].id, quantity=1)
    paused = make_standing(collector, post_id=shop["uy"].id, quantity=1)
    paused.status = StandingStatus.PAUSED
    db.session.commit()
    put_on_sale(draft["issue"])
    [placement] = db.session.scalars(select(StandingPlacement)).all()
    assert placement.standing_order.theme_id == birds.id
    assert _lines(placement.order) == {draft["single"].sku: 1}


def test_an_issue_over_the_budget_per_issue_is_skipped_with_a_mail(
        collector, draft, make_standing):
    make_standing(collector, max_per_issue_minor=100)  # 1.00 EUR: less than the postage
    put_on_sale(draft["issue"])
    assert count(Order) == 0
    assert db.session.get(Product, draft["single"].id).stock == 5  # given back
    assert db.session.scalar(select(StandingPlacement.outcome)) is PlacementOutcome.OVER_BUDGET
    [mail] = mails_to(collector.email)
    assert "over your budget" in mail.text_body
    assert "Birds of Uruguay" in mail.text_body


def test_the_monthly_budget_counts_the_months_orders(
        collector, draft, shop, make_issue, make_product, make_standing):
    standing = make_standing(collector, quantity=1, max_per_issue_minor=None,
                             max_per_month_minor=100000)
    put_on_sale(draft["issue"])
    first = db.session.scalar(select(Order))
    standing.max_per_month_minor = first.total_minor + 100  # room for 1.00 EUR more
    db.session.commit()
    second = make_issue(shop["uy"], published_at=None)
    make_product(second, price_minor=2000, stock=5)
    put_on_sale(second)
    assert count(Order) == 1
    outcomes = db.session.scalars(
        select(StandingPlacement.outcome).order_by(StandingPlacement.id)).all()
    assert outcomes == [PlacementOutcome.PLACED, PlacementOutcome.OVER_BUDGET]
    first.status = OrderStatus.CANCELLED  # a cancelled order no longer counts
    db.session.commit()
    third = make_issue(shop["uy"], published_at=None)
    make_product(third, price_minor=2000, stock=5)
    put_on_sale(third)
    assert count(Order) == 2


def test_not_enough_stock_skips_the_issue_with_a_mail(collector, draft, make_standing):
    draft["single"].stock = 1
    db.session.commit()
    make_standing(collector)  # wants 2
    put_on_sale(draft["issue"])
    assert count(Order) == 0
    assert db.session.get(Product, draft["single"].id).stock == 1
    assert db.session.scalar(select(StandingPlacement.outcome)) is PlacementOutcome.SOLD_OUT
    assert "Not enough stamps" in mails_to(collector.email)[0].text_body


def test_a_deleted_address_or_a_card_not_saved_skips_with_a_mail(
        collector, draft, make_standing):
    make_standing(collector, payment_method=PaymentMethod.CARD)
    db.session.delete(collector.addresses[0])
    db.session.commit()
    other = make_buyer("ben@example.org")
    make_standing(other, payment_method=PaymentMethod.CARD)
    put_on_sale(draft["issue"])
    assert count(Order) == 0
    assert sorted(o.value for o in db.session.scalars(select(StandingPlacement.outcome))) == [
        "no_card", "no_delivery"]
    assert "address" in mails_to(collector.email)[0].text_body
    assert "no card" in mails_to(other.email)[0].text_body


def test_racing_standing_orders_and_shoppers_never_take_more_than_the_stock(
        app, draft, make_standing):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time (BEGIN IMMEDIATE): the "
                    "threads would queue, not race; run with MALL_TEST_DATABASE_URL")
    product_id, issue = draft["single"].id, draft["issue"]
    standing_ids = [make_standing(make_buyer(f"c{n}@example.org")).id for n in range(5)]
    issue.published_at = utcnow()
    db.session.commit()
    issue_id = issue.id
    db.session.rollback()
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def standing(standing_id: int) -> None:
        with app.app_context():
            start.wait()
            try:
                placement = place_for_issue(db.session, standing_id, issue_id, utcnow())
                outcomes.append(placement.outcome.value)
                db.session.commit()
            finally:
                db.session.remove()

    def shopper() -> None:
        with app.app_context():
            start.wait()
            try:
                taken = db.session.execute(
                    Product.__table__.update()
                    .where(Product.id == product_id, Product.stock >= 1)
                    .values(stock=Product.stock - 1)
                ).rowcount
                db.session.commit()
                outcomes.append("shopper" if taken else "shopper refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=standing, args=(i,)) for i in standing_ids]
    threads += [threading.Thread(target=shopper) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    ordered = db.session.scalar(
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .where(OrderLine.product_id == product_id)) or 0
    shoppers = outcomes.count("shopper")
    stock = db.session.get(Product, product_id).stock
    assert len(outcomes) == 8
    assert stock >= 0
    assert ordered + shoppers + stock == 5
    assert outcomes.count("placed") * 2 == ordered
    assert outcomes.count("placed") + outcomes.count("sold_out") == 5
