"""The papers that travel with a parcel: the customs declaration (CN22/CN23) and the packing
slip, as PDF with fpdf2.

The built-in PDF fonts cover Latin-1 only, which is also what customs forms are filled in
(English or French); other scripts are transliterated where Unicode can, else shown as "?"."""

from __future__ import annotations

import unicodedata

from babel.numbers import format_decimal
from fpdf import FPDF

from mall.fulfilment.customs import HS_DESCRIPTIONS, Declaration
from mall.money import Money
from mall.orders.models import PostOrder


def customs_pdf(declaration: Declaration) -> bytes:
    pdf = _document()
    form = declaration.form.value
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _latin(f"{form} - CUSTOMS DECLARATION / DÉCLARATION EN DOUANE"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 5, _latin("May be opened officially / Peut être ouvert d'office"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _block(pdf, "From / Expéditeur", declaration.sender)
    _block(pdf, "To / Destinataire", declaration.addressee)
    _field(pdf, "Category of item", f"[X] {declaration.category}")
    if declaration.tracking_number:
        _field(pdf, "Item number (S10)", declaration.tracking_number)
    pdf.ln(2)
    widths = (78, 14, 22, 32, 16, 18)
    _row(pdf, widths, ("Detailed description of contents", "Qty", "Weight (g)",
                       "Value", "HS code", "Origin"), bold=True)
    for item in declaration.items:
        _row(pdf, widths, (item.description, str(item.quantity), str(item.net_weight_g),
                           _amount(item.value), item.hs_code, item.origin))
    _row(pdf, widths, ("Total", "", str(declaration.total_weight_g),
                       _amount(declaration.total_value), "", ""), bold=True)
    pdf.ln(3)
    _field(pdf, "Total value in SDR", _amount(declaration.total_value_sdr))
    hs = sorted({item.hs_code for item in declaration.items})
    _field(pdf, "HS tariff", "; ".join(f"{code} {HS_DESCRIPTIONS.get(code, '')}" for code in hs))
    pdf.ln(4)
    pdf.multi_cell(0, 5, _latin(
        "I certify that the particulars given in this declaration are correct and that this "
        "item does not contain any dangerous article prohibited by legislation or by postal "
        "or customs regulations."
    ), new_x="LMARGIN", new_y="NEXT")
    _field(pdf, "Date", declaration.on.isoformat())
    _field(pdf, "Sender's signature", "_" * 30)
    return bytes(pdf.output())


def packing_slip_pdf(post_order: PostOrder) -> bytes:
    order, post = post_order.order, post_order.post
    pdf = _document()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _latin(f"Packing slip - order {order.code}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    _block(pdf, "Ship to", [
        order.ship_name, order.ship_line1, order.ship_line2,
        " ".join(filter(None, (order.ship_postal_code, order.ship_city))),
        order.ship_region, order.ship_country.upper(), order.ship_phone,
    ])
    _field(pdf, "Shipping", _text(post_order.shipping_method_name))
    _field(pdf, "From", _text(post.name))
    pdf.ln(2)
    widths = (28, 104, 18, 30)
    _row(pdf, widths, ("SKU", "Item", "Qty", "Packed"), bold=True)
    for line in post_order.lines:
        _row(pdf, widths, (line.sku, f"{_text(line.title)} ({line.format.value})",
                           str(line.quantity), "[  ]"))
    pdf.ln(2)
    _field(pdf, "Items", str(sum(line.quantity for line in post_order.lines)))
    return bytes(pdf.output())


def _document() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _block(pdf: FPDF, label: str, lines: list[str]) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, _latin(label), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in filter(None, lines):
        pdf.cell(0, 5, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _field(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(50, 6, _latin(label + ":"))
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, _latin(value), new_x="LMARGIN", new_y="NEXT")


def _row(pdf: FPDF, widths: tuple[int, ...], cells: tuple[str, ...], bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 9)
    for width, text in zip(widths, cells, strict=True):
        pdf.cell(width, 6, _latin(_fit(pdf, text, width)), border=1)
    pdf.ln(6)


def _fit(pdf: FPDF, text: str, width: int) -> str:
    """Cut a long description to its cell, so the table stays a table."""
    text = _latin(text)
    while text and pdf.get_string_width(text) > width - 2:
        text = text[:-1]
    return text


def _amount(money: Money) -> str:
    return f"{format_decimal(money.to_decimal(), locale='en')} {money.currency}"


def _text(texts: dict[str, str]) -> str:
    return texts.get("en") or next(iter(texts.values()), "")


def _latin(text: str) -> str:
    """Latin-1, as the PDF core fonts need: accents kept, other scripts transliterated by
    Unicode's compatibility forms where possible, else "?"."""
    if all(ord(char) < 256 for char in text):
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", kept).encode("latin-1", "replace").decode("latin-1")
