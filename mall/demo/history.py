"""Past sales for the demo posts: a few years of paid orders, so that a post's sales figures
(`mall.sales`) show something real the moment the demo is loaded.

Each post gets about seventy orders between January 2019 and November 2026, more each year,
from collectors in some twenty countries — its own country first, the big philatelic
markets (Germany, the United States, France, Japan…) next — each paying in their own
currency when the mall has a rate for it, by card or without one. An order is what checkout
would have placed: lines from that post's products of issues already out on the day, a
shipping method the post offers to that country priced by its tariff, amounts converted with
the demo's rates, a card total rounded as Stripe needs it, and the commission frozen. Past
orders are paid and shipped; they take no stock (the stock on hand is what is left).

Deterministic (a random generator seeded per post) and idempotent: each order is keyed by
its placement key (`demo-<cc>-0001`…); a second run finds them all and writes nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from unicodedata import normalize

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mall.catalogue.models import Product, ProductFormat
from mall.demo.specs import SeedCounter
from mall.ledger.bookings import book_sale
from mall.money import Money, money_sum
from mall.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PostOrder,
    PostOrderStatus,
)
from mall.orders.placement import payable_total
from mall.orders.references import ALPHABET, CODE_LENGTH, payment_reference
from mall.posts.models import Post
from mall.rates.conversion import RateTable
from mall.rates.records import BASE_CURRENCY
from mall.shipping.services import options_for

FIRST_YEAR, LAST_DAY = 2019, date(2026, 11, 30)
#: Orders placed this close to LAST_DAY are paid and not shipped yet.
TO_SHIP_DAYS = timedelta(days=30)
#: Orders per post and year, before a little noise: a shop that grows.
PER_YEAR = {2019: 5, 2020: 7, 2021: 7, 2022: 8, 2023: 9, 2024: 10, 2025: 12, 2026: 12}
#: Card most often, as the seed's survey of posts' shops found; then bank and counter.
METHODS = ((PaymentMethod.CARD, 7), (PaymentMethod.BANK_TRANSFER, 2), (PaymentMethod.COUNTER, 1))


@dataclass(frozen=True, slots=True)
class Buyers:
    """Collectors of one country: how often they buy, what they pay in, who they are."""

    country: str
    weight: int
    currency: str
    locale: str
    names: tuple[str, ...]
    cities: tuple[str, ...]
    street: str


#: Philately's big markets weigh most; every post's own country is added at the top.
BUYERS = (
    Buyers("DE", 14, "EUR", "en", ("Jonas Becker", "Anna Schmidt", "Lukas Weber"),
           ("Berlin", "München", "Köln"), "Hauptstraße"),
    Buyers("US", 13, "USD", "en", ("Emily Johnson", "Michael Brown", "Sarah Davis"),
           ("Chicago", "Boston", "Denver"), "Main Street"),
    Buyers("FR", 9, "EUR", "fr", ("Claire Martin", "Louis Bernard", "Camille Petit"),
           ("Paris", "Lyon", "Nantes"), "rue de la Poste"),
    Buyers("GB", 8, "GBP", "en", ("Oliver Smith", "Amelia Jones", "Harry Taylor"),
           ("London", "Leeds", "Bristol"), "High Street"),
    Buyers("JP", 7, "JPY", "en", ("Haruto Sato", "Yui Suzuki", "Sota Takahashi"),
           ("Tokyo", "Osaka", "Sapporo"), "Chuo-dori"),
    Buyers("NL", 6, "EUR", "nl", ("Daan de Vries", "Emma Jansen", "Lotte Bakker"),
           ("Amsterdam", "Utrecht", "Groningen"), "Kerkstraat"),
    Buyers("ES", 5, "EUR", "es", ("Lucía García", "Hugo Martínez", "Sofía López"),
           ("Madrid", "Sevilla", "Valencia"), "Calle Mayor"),
    Buyers("IT", 5, "EUR", "en", ("Giulia Rossi", "Marco Russo", "Chiara Ferrari"),
           ("Roma", "Milano", "Torino"), "Via Roma"),
    Buyers("CH", 4, "CHF", "en", ("Noah Müller", "Mia Meier", "Luca Keller"),
           ("Zürich", "Bern", "Basel"), "Bahnhofstrasse"),
    Buyers("AU", 4, "AUD", "en", ("Jack Wilson", "Charlotte White", "William Thompson"),
           ("Sydney", "Melbourne", "Perth"), "George Street"),
    Buyers("CA", 4, "CAD", "en", ("Liam Tremblay", "Olivia Roy", "Noah Gagnon"),
           ("Toronto", "Montréal", "Calgary"), "King Street"),
    Buyers("BR", 3, "BRL", "en", ("João Silva", "Ana Souza", "Pedro Costa"),
           ("São Paulo", "Curitiba", "Recife"), "Rua das Flores"),
    Buyers("AR", 3, "EUR", "es", ("Mateo González", "Valentina Díaz", "Martina Pérez"),
           ("Buenos Aires", "Rosario", "Córdoba"), "Avenida San Martín"),
    Buyers("SE", 3, "SEK", "en", ("Erik Andersson", "Elsa Johansson", "Oscar Nilsson"),
           ("Stockholm", "Göteborg", "Uppsala"), "Storgatan"),
    Buyers("BE", 3, "EUR", "nl", ("Lars Peeters", "Marie Dubois", "Arthur Maes"),
           ("Antwerpen", "Gent", "Liège"), "Stationsstraat"),
    Buyers("KR", 2, "KRW", "en", ("Kim Min-jun", "Lee Seo-yeon", "Park Ji-ho"),
           ("Seoul", "Busan", "Incheon"), "Sejong-daero"),
    Buyers("KW", 2, "KWD", "en", ("Ahmad Al-Sabah", "Fatima Al-Mutairi", "Yousef Al-Enezi"),
           ("Kuwait City", "Hawalli", "Salmiya"), "Gulf Road"),
    Buyers("ZA", 2, "ZAR", "en", ("Thabo Nkosi", "Lerato Dlamini", "Pieter van Wyk"),
           ("Cape Town", "Durban", "Pretoria"), "Long Street"),
    Buyers("IN", 2, "INR", "en", ("Aarav Sharma", "Diya Patel", "Vihaan Gupta"),
           ("Mumbai", "Pune", "Chennai"), "MG Road"),
    Buyers("UY", 1, "UYU", "es", ("Martín Rodríguez", "Lucía Fernández", "Diego Pereira"),
           ("Montevideo", "Salto", "Paysandú"), "Avenida 18 de Julio"),
    Buyers("KH", 1, "KHR", "en", ("Sok Dara", "Chan Sophea", "Keo Visal"),
           ("Phnom Penh", "Siem Reap", "Battambang"), "Preah Sihanouk Blvd"),
    Buyers("UG", 1, "UGX", "en", ("Okello Brian", "Nakato Grace", "Mugisha Ivan"),
           ("Kampala", "Entebbe", "Jinja"), "Kampala Road"),
    Buyers("BW", 1, "BWP", "en", ("Kabelo Molefe", "Naledi Sebego", "Tumelo Kgosi"),
           ("Gaborone", "Francistown", "Maun"), "Khama Crescent"),
    Buyers("TZ", 1, "TZS", "en", ("Juma Mwinyi", "Neema Mushi", "Baraka Mrema"),
           ("Dar es Salaam", "Arusha", "Mwanza"), "Uhuru Street"),
)
#: How much more often a post's own collectors buy from it than the table says.
HOME_WEIGHT = 12


def seed_history(session: Session, post: Post, rates: RateTable, report: SeedCounter) -> None:
    """The post's past orders, created where missing (see the module docstring)."""
    existing = set(
        session.scalars(
            select(Order.placement_key).where(Order.placement_key.like(f"demo-{post.code}-%"))
        )
    )
    plans = _plans(post)
    report.saw("past orders", len(plans))
    if all(plan.key in existing for plan in plans):
        return
    products = list(
        session.scalars(
            select(Product)
            .where(Product.post_id == post.id)
            .options(selectinload(Product.issue))
            .order_by(Product.sku)
        )
    )
    rng = random.Random(f"post-mall-history-lines-{post.code}")  # noqa: S311 - demo data
    commission = (
        post.commission_bps
        if post.commission_bps is not None
        else int(current_app.config["DEFAULT_COMMISSION_BPS"])
    )
    for plan in plans:
        # Drawn for every plan, created or not, so the next plans draw the same lines.
        order = _order(session, post, plan, products, rates, commission, rng)
        if plan.key not in existing and order is not None:
            session.add(order)
            session.flush()
            book_sale(session, order, order.paid_at or plan.placed)
            report.created += 2 + len(order.post_orders[0].lines)  # rows, as elsewhere
    session.flush()


@dataclass(frozen=True, slots=True)
class _Plan:
    key: str
    code: str
    placed: datetime
    buyers: Buyers
    name: str
    city: str
    number: int
    method: PaymentMethod


def _plans(post: Post) -> list[_Plan]:
    """Who bought when, drawn from a generator seeded by the post alone (no database)."""
    rng = random.Random(f"post-mall-history-{post.code}")  # noqa: S311 - demo data
    home = post.code.upper()
    pool = list(BUYERS)
    weights = [b.weight + (HOME_WEIGHT if b.country == home else 0) for b in pool]
    drawn: list[tuple[datetime, Buyers]] = []
    for year, count in PER_YEAR.items():
        last = LAST_DAY if year == LAST_DAY.year else date(year, 12, 31)
        span = (last - date(year, 1, 1)).days
        for _ in range(count + rng.randint(-1, 2)):
            day = date(year, 1, 1) + timedelta(days=rng.randint(0, span))
            placed = datetime(day.year, day.month, day.day, rng.randint(6, 22),
                              rng.randint(0, 59), tzinfo=UTC)
            drawn.append((placed, rng.choices(pool, weights)[0]))
    drawn.sort(key=lambda plan: plan[0])
    result = []
    for n, (placed, buyers) in enumerate(drawn, start=1):
        result.append(
            _Plan(
                key=f"demo-{post.code}-{n:04d}",
                code="".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH)),
                placed=placed,
                buyers=buyers,
                name=rng.choice(buyers.names),
                city=rng.choice(buyers.cities),
                number=rng.randint(1, 240),
                method=rng.choices([m for m, _w in METHODS], [w for _m, w in METHODS])[0],
            )
        )
    return result


def _order(
    session: Session,
    post: Post,
    plan: _Plan,
    products: list[Product],
    rates: RateTable,
    commission_bps: int,
    rng: random.Random,
) -> Order | None:
    """The order of `plan`, or None when nothing of the post was out yet on its day."""
    on_sale = [p for p in products if p.issue.issue_date <= plan.placed.date()]
    if not on_sale:
        return None
    # Collectors buy what is new more than what is old: the last two years' issues weigh more.
    weights = [3 if (plan.placed.date() - p.issue.issue_date).days < 730 else 1 for p in on_sale]
    chosen: dict[int, tuple[Product, int]] = {}
    for _ in range(rng.choices((1, 2, 3, 4), (5, 4, 2, 1))[0]):
        product = rng.choices(on_sale, weights)[0]
        many = product.format in (ProductFormat.SINGLE, ProductFormat.SET)
        chosen[product.id] = (product, rng.choices((1, 2, 3, 5), (8, 3, 1, 1 if many else 0))[0])
    picked = sorted(chosen.values(), key=lambda item: item[0].sku)
    goods = money_sum([p.price * q for p, q in picked], post.currency)
    weight = sum(p.weight_g * q for p, q in picked)
    options = options_for(session, post, plan.buyers.country, weight, goods)
    if not options:
        return None
    option = options[rng.randrange(len(options))]
    currency = plan.buyers.currency
    if currency != BASE_CURRENCY and not rates.has(currency):
        currency = BASE_CURRENCY
    lines = [
        OrderLine(
            post_id=post.id,
            product_id=product.id,
            sku=product.sku,
            title=dict(product.issue.title),
            format=product.format,
            condition=product.condition,
            hs_code=product.hs_code,
            weight_g=product.weight_g,
            quantity=quantity,
            unit_price_minor=product.price_minor,
            currency=product.currency,
            amount_presentment_minor=rates.convert(product.price * quantity, currency).amount,
        )
        for product, quantity in picked
    ]
    post_order = PostOrder(
        post_id=post.id,
        currency=post.currency,
        goods_minor=goods.amount,
        shipping_minor=option.price.amount,
        goods_presentment_minor=sum(line.amount_presentment_minor for line in lines),
        shipping_presentment_minor=rates.convert(option.price, currency).amount,
        commission_bps=commission_bps,
        shipping_method_id=option.method_id,
        shipping_method_name=dict(option.method.name),
        # The last fortnight's orders wait to be shipped: the back office has work to show.
        status=(PostOrderStatus.TO_SHIP if plan.placed.date() > LAST_DAY - TO_SHIP_DAYS
                else PostOrderStatus.SHIPPED),
        lines=lines,
    )
    subtotal = Money(
        post_order.goods_presentment_minor + post_order.shipping_presentment_minor, currency
    )
    total = payable_total(subtotal, plan.method)
    paid_after = (
        timedelta(minutes=rng.randint(1, 9))
        if plan.method is PaymentMethod.CARD
        else timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
    )
    return Order(
        code=plan.code,
        payment_reference=payment_reference(plan.code),
        email=_email(plan.name),
        locale=plan.buyers.locale,
        currency=currency,
        goods_minor=post_order.goods_presentment_minor,
        shipping_minor=post_order.shipping_presentment_minor,
        rounding_minor=(total - subtotal).amount,
        total_minor=total.amount,
        rates={code: str(rates.per_eur(code)) for code in sorted({currency, post.currency})
               if code != BASE_CURRENCY},
        spread_bps=0,
        payment_method=plan.method,
        status=OrderStatus.PAID,
        placement_key=plan.key,
        ship_name=plan.name,
        ship_line1=f"{plan.buyers.street} {plan.number}",
        ship_city=plan.city,
        ship_postal_code=f"{plan.number * 37 % 90000 + 10000}",
        ship_country=plan.buyers.country,
        created_at=plan.placed,
        reserved_until=plan.placed + timedelta(days=7),
        paid_at=plan.placed + paid_after,
        post_orders=[post_order],
    )


def _email(name: str) -> str:
    """`Lucía García` → `lucia.garcia@example.com` (ASCII, as most mail systems want)."""
    ascii_name = normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    first, _, last = ascii_name.partition(" ")
    return f"{first}.{last.replace(' ', '-')}@example.com"
