"""Small helpers for the mall's PDF papers (customs forms, packing slips, statements), with
fpdf2's core fonts.

The built-in PDF fonts cover Latin-1 only; other scripts are transliterated where Unicode
can, else shown as "?"."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from mall.money import Money

if TYPE_CHECKING:
    from fpdf import FPDF


def document() -> FPDF:
    from fpdf import FPDF  # here: fpdf2 and its fonts (~20 MB) load with the first PDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def block(pdf: FPDF, label: str, lines: list[str]) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, latin(label), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in filter(None, lines):
        pdf.cell(0, 5, latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def field(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(50, 6, latin(label + ":"))
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, latin(value), new_x="LMARGIN", new_y="NEXT")


def row(pdf: FPDF, widths: tuple[int, ...], cells: tuple[str, ...], bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 9)
    for width, text in zip(widths, cells, strict=True):
        pdf.cell(width, 6, latin(fit(pdf, text, width)), border=1)
    pdf.ln(6)


def fit(pdf: FPDF, text: str, width: int) -> str:
    """Cut a long description to its cell, so the table stays a table."""
    text = latin(text)
    while text and pdf.get_string_width(text) > width - 2:
        text = text[:-1]
    return text


def amount(money: Money) -> str:
    """Every minor digit shown ("1,234.50 UYU", "1,500 JPY"): papers that are added up
    must agree with the screen to the minor unit."""
    return f"{money.to_decimal():,} {money.currency}"


def latin(text: str) -> str:
    """Latin-1, as the PDF core fonts need: accents kept, other scripts transliterated by
    Unicode's compatibility forms where possible, else "?"."""
    if all(ord(char) < 256 for char in text):
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", kept).encode("latin-1", "replace").decode("latin-1")
