"""The papers that travel with a parcel: the customs declaration (CN22/CN23) and the packing
slip, as PDF with fpdf2.

Customs forms are filled in English or French, which the Latin-1 core fonts of `mall.pdf`
cover."""

from __future__ import annotations

from mall.fulfilment.customs import HS_DESCRIPTIONS, Declaration
from mall.orders.models import PostOrder
from mall.pdf import amount, block, document, field, latin, row


def customs_pdf(declaration: Declaration) -> bytes:
    pdf = document()
    form = declaration.form.value
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, latin(f"{form} - CUSTOMS DECLARATION / DÉCLARATION EN DOUANE"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 5, latin("May be opened officially / Peut être ouvert d'office"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    block(pdf, "From / Expéditeur", declaration.sender)
    block(pdf, "To / Destinataire", declaration.addressee)
    field(pdf, "Category of item", f"[X] {declaration.category}")
    if declaration.tracking_number:
        field(pdf, "Item number (S10)", declaration.tracking_number)
    pdf.ln(2)
    widths = (78, 14, 22, 32, 16, 18)
    row(pdf, widths, ("Detailed description of contents", "Qty", "Weight (g)",
                       "Value", "HS code", "Origin"), bold=True)
    for item in declaration.items:
        row(pdf, widths, (item.description, str(item.quantity), str(item.net_weight_g),
                           amount(item.value), item.hs_code, item.origin))
    row(pdf, widths, ("Total", "", str(declaration.total_weight_g),
                       amount(declaration.total_value), "", ""), bold=True)
    pdf.ln(3)
    field(pdf, "Total value in SDR", amount(declaration.total_value_sdr))
    hs = sorted({item.hs_code for item in declaration.items})
    field(pdf, "HS tariff", "; ".join(f"{code} {HS_DESCRIPTIONS.get(code, '')}" for code in hs))
    pdf.ln(4)
    pdf.multi_cell(0, 5, latin(
        "I certify that the particulars given in this declaration are correct and that this "
        "item does not contain any dangerous article prohibited by legislation or by postal "
        "or customs regulations."
    ), new_x="LMARGIN", new_y="NEXT")
    field(pdf, "Date", declaration.on.isoformat())
    field(pdf, "Sender's signature", "_" * 30)
    return bytes(pdf.output())


def packing_slip_pdf(post_order: PostOrder) -> bytes:
    order, post = post_order.order, post_order.post
    pdf = document()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, latin(f"Packing slip - order {order.code}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    block(pdf, "Ship to", [
        order.ship_name, order.ship_line1, order.ship_line2,
        " ".join(filter(None, (order.ship_postal_code, order.ship_city))),
        order.ship_region, order.ship_country.upper(), order.ship_phone,
    ])
    field(pdf, "Shipping", _text(post_order.shipping_method_name))
    field(pdf, "From", _text(post.name))
    pdf.ln(2)
    widths = (28, 104, 18, 30)
    row(pdf, widths, ("SKU", "Item", "Qty", "Packed"), bold=True)
    for line in post_order.lines:
        row(pdf, widths, (line.sku, f"{_text(line.title)} ({line.format.value})",
                           str(line.quantity), "[  ]"))
    pdf.ln(2)
    field(pdf, "Items", str(sum(line.quantity for line in post_order.lines)))
    return bytes(pdf.output())


def _text(texts: dict[str, str]) -> str:
    return texts.get("en") or next(iter(texts.values()), "")
