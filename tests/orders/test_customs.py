"""Customs declarations for real orders: which form, and what the PDF says."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from mall.columns import utcnow
from mall.extensions import db
from mall.fulfilment.customs import CustomsForm, SdrRateMissing, declaration
from mall.fulfilment.documents import customs_pdf, packing_slip_pdf
from mall.fulfilment.services import ship
from mall.orders.lifecycle import record_payment
from mall.orders.placement import place_order
from mall.rates.conversion import RateTable
from mall.shipping.models import ShippingKind
from mall.shipping.zones import Zone
from tests.support.checkout import add_method

RATES = RateTable.from_rates(
    {"UYU": Decimal("46.00"), "XDR": Decimal("0.80")}, date(2026, 11, 27)
)


@pytest.fixture
def paid_order(shop, filled_cart, quote_in, order_request):
    def place(sheets: int = 1, key: str = "k", **changes):
        order = place_order(db.session, filled_cart(sheets=sheets, booklets=1),
                            order_request(key, **changes), quote_in(), utcnow(),
                            timedelta(days=3), 1000)
        record_payment(db.session, order, order.total, utcnow())
        db.session.commit()
        return order

    return place


def _post_order(order, code):
    return next(po for po in order.post_orders if po.post.code == code)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_letter_worth_less_than_300_sdr_gets_a_cn22(paid_order, shop):
    order = paid_order(sheets=2)  # 2 × 90.00 UYU = 180 UYU ≈ 3.13 SDR
    uy = _post_order(order, "uy")
    ship(db.session, uy, number="RA473124829UY", staff=None, now=utcnow())
    form = declaration(uy, RATES, date(2026, 12, 4))
    assert form is not None
    assert form.form is CustomsForm.CN22
    text = _text(customs_pdf(form))
    assert "CN22" in text
    assert "Humedales" in text
    assert "4907" in text
    assert "180.00 UYU" in text  # the line and the total, every minor digit
    assert "RA473124829UY" in text
    assert "Sale of goods" in text
    assert "Claire Martin" in text
    assert "Lyon" in text
    assert "3.13 XDR" in text
    assert "2026-12-04" in text


def test_a_letter_above_300_sdr_gets_a_cn23(paid_order, shop):
    shop["sheet"].price_minor = 1_000_000  # 10,000 UYU a sheet
    db.session.commit()
    order = paid_order(sheets=2)
    form = declaration(_post_order(order, "uy"), RATES, date(2026, 12, 4))
    assert form.form is CustomsForm.CN23
    assert form.total_value_sdr.to_decimal() > 300
    assert "CN23" in _text(customs_pdf(form))


def test_a_parcel_always_gets_a_cn23(paid_order, shop):
    parcel = add_method(shop["uy"], "parcel-uy", ShippingKind.PARCEL, dict.fromkeys(Zone, 90000))
    order = paid_order(shipping={shop["uy"].id: parcel.id, shop["nl"].id: shop["nl_ship"].id})
    assert declaration(_post_order(order, "uy"), RATES, date(2026, 12, 4)).form is CustomsForm.CN23


def test_a_used_stamp_is_declared_as_9704(paid_order, shop):
    shop["sheet"].hs_code = "9704"
    db.session.commit()
    form = declaration(_post_order(paid_order(), "uy"), RATES, date(2026, 12, 4))
    assert [item.hs_code for item in form.items] == ["9704"]
    assert "9704" in _text(customs_pdf(form))


def test_a_domestic_shipment_needs_no_declaration(paid_order, shop):
    order = paid_order(address=_address("UY"))
    assert declaration(_post_order(order, "uy"), RATES, date(2026, 12, 4)) is None


def test_without_an_sdr_rate_the_form_is_refused(paid_order):
    rates = RateTable.from_rates({"UYU": Decimal("46.00")}, date(2026, 11, 27))
    with pytest.raises(SdrRateMissing):
        declaration(_post_order(paid_order(), "uy"), rates, date(2026, 12, 4))


def test_the_packing_slip_lists_every_line_and_the_address(paid_order, shop):
    order = paid_order(sheets=3)
    text = _text(packing_slip_pdf(_post_order(order, "uy")))
    assert order.code in text
    assert shop["sheet"].sku in text
    assert "Claire Martin" in text


def _address(country: str):
    from mall.orders.placement import ShippingAddress

    return ShippingAddress(name="Ana Pérez", line1="Av. 18 de Julio 1000", city="Montevideo",
                           postal_code="11100", country=country)
