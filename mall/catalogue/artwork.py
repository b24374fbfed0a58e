"""Stamp pictures drawn by the app itself: a perforated stamp in the post's colours, with a
motif for the issue's theme, the country, the year, the face value and the title.

Posts upload real scans later; until then every issue still has a picture, and the demo
needs no image downloads. The SVG is deterministic (same issue, same bytes), uses only
presentation attributes (the site's CSP forbids inline styles) and escapes every piece of
text, because titles come from the database."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from mall.catalogue.models import Condition, Issue, Product, ProductFormat
from mall.columns import Translations
from mall.posts.models import Post

#: Width in pixels of one stamp at each size; sheets and covers scale alike.
SIZES = {"thumb": 120, "card": 240, "detail": 360, "large": 480}
#: The stamp's own coordinate system: 4:5, like the listing cards that show it.
STAMP_W, STAMP_H = 220.0, 275.0
FONT = "'Noto Sans', 'Noto Sans Khmer', 'Helvetica Neue', Arial, sans-serif"
INK = "#2b2b2b"

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FIRST_DAY = {
    "en": "First day of issue", "es": "Primer día de emisión", "fr": "Premier jour d'émission",
    "nl": "Eerste dag van uitgifte", "km": "ថ្ងៃចេញផ្សាយដំបូង", "sw": "Siku ya kwanza ya toleo",
}


@dataclass(frozen=True)
class _Design:
    """Everything one stamp shows, already localized and checked."""

    uid: str
    primary: str
    accent: str
    tint: str
    country: str
    country_en: str
    title: str
    year: int
    motif: str


def render_stamp_svg(
    issue: Issue,
    product: Product | None = None,
    size: str = "card",
    *,
    locale: str | None = None,
    as_stamp: bool = False,
) -> str:
    """An SVG picture of the issue; for a product, of that product (a souvenir sheet or
    sheetlet shows its stamps on the sheet, a first day cover its envelope, a used stamp its
    postmark). `as_stamp` draws one stamp whatever the product, for listing cards that want
    one shape. Text is in `locale`, by default the post's own language."""
    if size not in SIZES:
        raise ValueError(f"Unknown artwork size {size!r}; use one of {sorted(SIZES)}")
    post = issue.post
    locale = locale or post.default_locale
    primary = safe_color(post.primary_color, "#1d3557")
    accent = safe_color(post.accent_color, "#e9c46a")
    country = _pick(post.country_name, locale)
    country_en = _pick(post.country_name, "en")
    key = f"{post.code}:{issue.slug}:{product.sku if product else ''}:{locale}"
    design = _Design(
        uid="s" + hashlib.sha256(key.encode()).hexdigest()[:10],
        primary=primary,
        accent=accent,
        tint=_mix(primary, "#ffffff", 0.86),
        country=country.upper(),
        country_en=country_en.upper() if country_en.casefold() != country.casefold() else "",
        title=_pick(issue.title, locale),
        year=issue.issue_date.year,
        motif=_motif_for(issue),
    )
    values = _values(product.face_value if product else "")
    fmt = product.format if product and not as_stamp else None
    parts = [f"{country} {design.year}", design.title, product.face_value if product else ""]
    label = " — ".join(part for part in parts if part)
    scale = SIZES[size] / 240
    if fmt is ProductFormat.FIRST_DAY_COVER:
        first_day = _pick(_FIRST_DAY, locale)
        body, width, height = _cover(design, values, issue.issue_date.strftime("%d.%m.%Y"),
                                     first_day)
    elif fmt in (ProductFormat.SOUVENIR_SHEET, ProductFormat.SHEETLET):
        count = max(1, min(_count(product.face_value), 10 if fmt is ProductFormat.SHEETLET else 3))
        body, width, height = _sheet(design, values, count, small=fmt is ProductFormat.SHEETLET)
    else:
        body, width, height = _stamp(design, values[0] if values else "", 10, 12.5, 1.0), 240, 300
    if product is not None and product.condition is not Condition.MINT:
        body += _postmark(width * 0.62, height * 0.64, 34, design.country,
                          issue.issue_date.strftime("%d.%m.%Y"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{_n(width * scale)}" height="{_n(height * scale)}" role="img" '
        f'aria-labelledby="{design.uid}-t" font-family="{FONT}">'
        f'<title id="{design.uid}-t">{_text(label)}</title>'
        f"<defs>{_perforation_mask(design.uid)}</defs>{body}</svg>"
    )


# -- layouts -------------------------------------------------------------------------------


def _stamp(d: _Design, value: str, x: float, y: float, scale: float) -> str:
    """One perforated stamp at (x, y): paper, frame, picture, country, title, year, value."""
    lines = _wrap(d.title, 23, 3)
    picture_top = 62.0 if d.country_en else 52.0
    parts = [
        f'<g transform="translate({_n(x)} {_n(y)}) scale({_n(scale)})">',
        f'<rect width="{STAMP_W}" height="{STAMP_H}" fill="#000000" fill-opacity="0.16" '
        f'mask="url(#{d.uid}-perf)" transform="translate(2 3)"/>',
        f'<rect width="{STAMP_W}" height="{STAMP_H}" fill="#ffffff" mask="url(#{d.uid}-perf)"/>',
        f'<rect x="11" y="11" width="198" height="253" rx="2" fill="{d.primary}"/>',
        _line(d.country, 110, 38, 17, "#ffffff", weight="bold", spacing=1.5),
    ]
    if d.country_en:
        parts.append(_line(d.country_en, 110, 53, 9, "#ffffff", spacing=1))
    parts += [
        f'<rect x="21" y="{_n(picture_top)}" width="178" height="{_n(188 - picture_top)}" '
        f'fill="{d.tint}"/>',
        _motif(d, 110, (picture_top + 188) / 2, (188 - picture_top) / 120),
    ]
    top = 212 - 7 * (len(lines) - 1)
    for i, line in enumerate(lines):
        parts.append(_line(line, 110, top + 15 * i, 13, "#ffffff", fit=176))
    parts.append(_line(str(d.year), 22, 253, 12, "#ffffff", anchor="start", opacity=0.85))
    if value:
        parts.append(_line(value, 198, 254, 16, d.accent, anchor="end", weight="bold", fit=120))
    parts.append("</g>")
    return "".join(parts)


def _sheet(d: _Design, values: list[str], count: int, small: bool) -> tuple[str, int, int]:
    """A souvenir sheet (a few large stamps) or a sheetlet (a grid of small ones) with the
    title in the sheet margin."""
    scale = 0.42 if small else 0.6
    cols = count if count <= 3 else math.ceil(count / 2)
    rows = math.ceil(count / cols)
    sw, sh, gap = STAMP_W * scale, STAMP_H * scale, 8 if small else 16
    width = max(360, round(cols * sw + (cols - 1) * gap + 48))
    height = round(rows * sh + (rows - 1) * gap + 96)
    left = (width - (cols * sw + (cols - 1) * gap)) / 2
    parts = [
        f'<rect x="3" y="3" width="{width - 6}" height="{height - 6}" rx="4" fill="{d.tint}" '
        f'stroke="{d.primary}" stroke-width="3"/>',
    ]
    for i, line in enumerate(_wrap(d.title, 44, 2)):
        parts.append(_line(line, width / 2, 30 + 17 * i, 15, d.primary, weight="bold",
                           fit=width - 40))
    for i in range(count):
        row, col = divmod(i, cols)
        value = values[i % len(values)] if values else ""
        parts.append(_stamp(d, value, left + col * (sw + gap), 60 + row * (sh + gap), scale))
    footer = f"{d.country} · {d.year}"
    parts.append(_line(footer, width / 2, height - 16, 12, d.primary, spacing=1))
    return "".join(parts), width, height


def _cover(d: _Design, values: list[str], day: str, first_day: str) -> tuple[str, int, int]:
    """A first day cover: envelope, cachet with motif and title, the stamp, its postmark."""
    width, height = 420, 290
    parts = [
        f'<rect x="2" y="2" width="{width - 4}" height="{height - 4}" rx="3" fill="#fdfbf6" '
        f'stroke="#d8d2c4" stroke-width="2"/>',
        _line(first_day.upper(), 30, 40, 12, d.primary, anchor="start", weight="bold",
              spacing=1, fit=200),
        f'<rect x="30" y="56" width="170" height="110" fill="{d.tint}"/>',
        _motif(d, 115, 111, 0.85),
    ]
    for i, line in enumerate(_wrap(d.title, 28, 3)):
        parts.append(_line(line, 30, 190 + 16 * i, 13, d.primary, anchor="start", fit=200))
    parts.append(_stamp(d, values[0] if values else "", 300, 22, 0.42))
    parts.append(_postmark(296, 112, 36, first_day.upper()[:24], day, waves_right=True))
    for i in range(3):
        parts.append(f'<line x1="240" y1="{214 + 22 * i}" x2="392" y2="{214 + 22 * i}" '
                     f'stroke="#cfc8b8" stroke-width="1.5"/>')
    return "".join(parts), width, height


def _postmark(cx: float, cy: float, r: float, label: str, day: str, waves_right: bool = False
              ) -> str:
    """A circular date stamp with wavy cancellation lines, as on used stamps and covers."""
    start = cx + r - 2 if waves_right else cx - r - 78
    waves = "".join(
        f'<path d="M{_n(start)} {_n(cy - 12 + 12 * i)} q10 -7 20 0 t20 0 t20 0 t20 0" '
        f'fill="none" stroke="{INK}" stroke-width="2"/>'
        for i in range(3)
    )
    return (
        f'<g opacity="0.62">{waves}'
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="none" stroke="{INK}" '
        f'stroke-width="2.5"/>'
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r - 5)}" fill="none" stroke="{INK}" '
        f'stroke-width="1"/>'
        + _line(label, cx, cy - 6, 7, INK, fit=2 * r - 14)
        + _line(day, cx, cy + 10, 10, INK, weight="bold")
        + "</g>"
    )


def _perforation_mask(uid: str) -> str:
    """White paper with round holes along every edge: the perforation, cut by a mask so the
    page shows through the holes whatever its colour."""
    holes = []
    for n, length, horizontal in ((16, STAMP_W, True), (20, STAMP_H, False)):
        step = length / n
        for i in range(n):
            at = _n(step * (i + 0.5))
            for edge in (0, STAMP_H if horizontal else STAMP_W):
                x, y = (at, _n(edge)) if horizontal else (_n(edge), at)
                holes.append(f'<circle cx="{x}" cy="{y}" r="4.3" fill="#000000"/>')
    return (
        f'<mask id="{uid}-perf" maskUnits="userSpaceOnUse" x="0" y="0" '
        f'width="{STAMP_W}" height="{STAMP_H}">'
        f'<rect width="{STAMP_W}" height="{STAMP_H}" fill="#ffffff"/>{"".join(holes)}</mask>'
    )


# -- motifs --------------------------------------------------------------------------------

_THEME_MOTIFS = {
    "birds": "bird", "fauna": "paw", "flora": "flower", "marine-life": "wave",
    "football": "ball", "sport": "ball", "carnival": "sunburst", "festivals": "sunburst",
    "music-dance": "sunburst", "art": "frame", "architecture": "building",
    "heritage": "building", "history": "laurel", "famous-people": "portrait",
    "transport": "train", "christmas": "star", "upu": "globe", "joint-issues": "globe",
    "space": "planet", "landscapes": "mountain", "minerals": "gem", "children": "kite",
}


def _motif_for(issue: Issue) -> str:
    """The first of the issue's themes that has a motif (themes load ordered by slug)."""
    for theme in issue.themes:
        if theme.slug in _THEME_MOTIFS:
            return _THEME_MOTIFS[theme.slug]
    return "sunburst"


def _motif(d: _Design, cx: float, cy: float, scale: float) -> str:
    """A simple geometric picture drawn in a 100 × 100 box around the origin."""
    p, a = d.primary, d.accent
    shapes = _MOTIFS[d.motif](p, a)
    return f'<g transform="translate({_n(cx)} {_n(cy)}) scale({_n(scale)})">{shapes}</g>'


def _bird(p: str, a: str) -> str:
    wing = "M-46 6 Q-22 -26 0 0 Q22 -26 46 6 Q22 -8 0 9 Q-22 -8 -46 6 Z"
    return (f'<circle cx="26" cy="-24" r="15" fill="{a}"/><path d="{wing}" fill="{p}"/>'
            f'<path d="{wing}" fill="{p}" transform="translate(-24 30) scale(0.4)"/>')


def _paw(p: str, a: str) -> str:
    toes = "".join(f'<ellipse cx="{x}" cy="{y}" rx="9" ry="12" fill="{p}" '
                   f'transform="rotate({r} {x} {y})"/>'
                   for x, y, r in ((-30, -6, -25), (-12, -28, -8), (12, -28, 8), (30, -6, 25)))
    return (f'<circle cx="0" cy="0" r="46" fill="{a}" fill-opacity="0.35"/>{toes}'
            f'<path d="M0 2 C-26 2 -32 32 -14 34 C-6 35 -4 30 0 30 C4 30 6 35 14 34 '
            f'C32 32 26 2 0 2 Z" fill="{p}"/>')


def _flower(p: str, a: str) -> str:
    petals = "".join(f'<ellipse cx="0" cy="-20" rx="10" ry="20" fill="{a}" stroke="{p}" '
                     f'stroke-width="1.5" transform="rotate({i * 60})"/>' for i in range(6))
    return (f'<path d="M0 10 Q6 34 -4 50" fill="none" stroke="{p}" stroke-width="4"/>'
            f'<path d="M2 34 Q22 22 34 34 Q18 44 2 34 Z" fill="{p}"/>'
            f'<g transform="translate(0 -8)">{petals}<circle r="9" fill="{p}"/></g>')


def _wave(p: str, a: str) -> str:
    waves = "".join(f'<path d="M-50 {y} q12.5 -10 25 0 t25 0 t25 0 t25 0" fill="none" '
                    f'stroke="{p}" stroke-width="5"/>' for y in (14, 28, 42))
    return (f'<ellipse cx="-2" cy="-18" rx="24" ry="12" fill="{a}"/>'
            f'<path d="M20 -18 L40 -32 L40 -4 Z" fill="{a}"/>'
            f'<circle cx="-16" cy="-21" r="3" fill="{p}"/>{waves}')


def _ball(p: str, a: str) -> str:
    pentagon = " ".join(f"{_n(12 * math.sin(i * 1.2566))},{_n(-12 * math.cos(i * 1.2566))}"
                        for i in range(5))
    seams = "".join(
        f'<line x1="{_n(12 * math.sin(i * 1.2566))}" y1="{_n(-12 * math.cos(i * 1.2566))}" '
        f'x2="{_n(30 * math.sin(i * 1.2566))}" y2="{_n(-30 * math.cos(i * 1.2566))}" '
        f'stroke="{p}" stroke-width="3"/><circle cx="{_n(31 * math.sin(i * 1.2566))}" '
        f'cy="{_n(-31 * math.cos(i * 1.2566))}" r="6" fill="{p}"/>' for i in range(5))
    return (f'<ellipse cx="0" cy="44" rx="34" ry="5" fill="{p}" fill-opacity="0.25"/>'
            f'<circle r="37" fill="#ffffff" stroke="{p}" stroke-width="4"/>{seams}'
            f'<polygon points="{pentagon}" fill="{p}"/><circle r="37" fill="{a}" '
            f'fill-opacity="0.18"/>')


def _building(p: str, a: str) -> str:
    columns = "".join(f'<rect x="{x}" y="-8" width="8" height="40" fill="{p}"/>'
                      for x in (-38, -20, -4, 12, 30))
    return (f'<path d="M-46 -16 L0 -44 L46 -16 Z" fill="{p}"/>'
            f'<path d="M-30 -20 L0 -37 L30 -20 Z" fill="{a}"/>'
            f'<rect x="-44" y="-16" width="88" height="7" fill="{p}"/>{columns}'
            f'<rect x="-48" y="32" width="96" height="8" fill="{p}"/>'
            f'<rect x="-52" y="40" width="104" height="6" fill="{a}"/>')


def _sunburst(p: str, a: str) -> str:
    rays = []
    for i in range(16):
        cos, sin, length = math.cos(i * math.pi / 8), math.sin(i * math.pi / 8), 36 + 8 * (i % 2)
        rays.append(
            f'<line x1="{_n(20 * cos)}" y1="{_n(20 * sin)}" x2="{_n(length * cos)}" '
            f'y2="{_n(length * sin)}" stroke="{p}" stroke-width="{5 - 2 * (i % 2)}" '
            f'stroke-linecap="round"/>'
        )
    return (f'{"".join(rays)}<circle r="18" fill="{a}" stroke="{p}" stroke-width="3"/>'
            f'<circle r="8" fill="{p}"/>')


def _frame(p: str, a: str) -> str:
    return (f'<rect x="-42" y="-34" width="84" height="62" fill="#ffffff" stroke="{p}" '
            f'stroke-width="7"/><circle cx="16" cy="-12" r="9" fill="{a}"/>'
            f'<path d="M-36 23 L-12 -6 L4 12 L16 2 L36 23 Z" fill="{p}"/>'
            f'<path d="M-20 30 L-30 48 M20 30 L30 48" stroke="{p}" stroke-width="4"/>')


def _laurel(p: str, a: str) -> str:
    """A wreath open at the top, as on commemorative medals."""
    leaves = []
    for degrees in [*range(115, 255, 22), *range(65, -75, -22)]:
        angle = math.radians(degrees)
        x, y = _n(38 * math.cos(angle)), _n(-38 * math.sin(angle))
        leaves.append(f'<ellipse cx="{x}" cy="{y}" rx="5" ry="11" fill="{p}" '
                      f'transform="rotate({_n(-degrees)} {x} {y})"/>')
    return "".join(leaves) + _star_shape(0, 0, 18, 7, a, p)


def _portrait(p: str, a: str) -> str:
    return (f'<ellipse rx="36" ry="45" fill="#ffffff" stroke="{a}" stroke-width="5"/>'
            f'<circle cx="0" cy="-12" r="14" fill="{p}"/>'
            f'<path d="M-27 34 Q-26 5 0 5 Q26 5 27 34 Q14 42 0 42 Q-14 42 -27 34 Z" '
            f'fill="{p}"/>')


def _train(p: str, a: str) -> str:
    wheels = "".join(f'<circle cx="{x}" cy="22" r="8" fill="{p}" stroke="{a}" stroke-width="2"/>'
                     for x in (-28, -8, 22))
    return (f'<rect x="-44" y="-8" width="62" height="28" rx="4" fill="{p}"/>'
            f'<rect x="14" y="-28" width="28" height="48" rx="3" fill="{p}"/>'
            f'<rect x="20" y="-22" width="16" height="12" fill="{a}"/>'
            f'<rect x="-36" y="-24" width="10" height="16" fill="{p}"/>'
            f'<circle cx="-31" cy="-34" r="7" fill="{a}" fill-opacity="0.6"/>{wheels}'
            f'<line x1="-50" y1="31" x2="50" y2="31" stroke="{p}" stroke-width="3"/>')


def _star(p: str, a: str) -> str:
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{p}"/>'
                   for x, y in ((-38, -30), (36, -36), (-30, 34), (40, 26), (-44, 6)))
    return _star_shape(0, 0, 40, 16, a, p) + dots


def _star_shape(cx: float, cy: float, outer: float, inner: float, fill: str, stroke: str) -> str:
    points = " ".join(
        f"{_n(cx + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5))},"
        f"{_n(cy - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5))}"
        for i in range(10))
    return f'<polygon points="{points}" fill="{fill}" stroke="{stroke}" stroke-width="2.5"/>'


def _globe(p: str, a: str) -> str:
    return (f'<circle r="38" fill="#ffffff" stroke="{p}" stroke-width="4"/>'
            f'<ellipse rx="16" ry="38" fill="none" stroke="{p}" stroke-width="2.5"/>'
            f'<line x1="0" y1="-38" x2="0" y2="38" stroke="{p}" stroke-width="2.5"/>'
            f'<path d="M-36 -12 H36 M-38 0 H38 M-36 12 H36" stroke="{p}" stroke-width="2"/>'
            f'<ellipse rx="50" ry="14" fill="none" stroke="{a}" stroke-width="4" '
            f'transform="rotate(-18)"/>')


def _planet(p: str, a: str) -> str:
    stars = "".join(f'<circle cx="{x}" cy="{y}" r="2" fill="{p}"/>'
                    for x, y in ((-40, -34), (34, -40), (44, 30), (-44, 28), (10, 44)))
    return (f'{stars}<circle r="24" fill="{a}" stroke="{p}" stroke-width="3"/>'
            f'<ellipse rx="46" ry="11" fill="none" stroke="{p}" stroke-width="4" '
            f'transform="rotate(-20)"/>')


def _mountain(p: str, a: str) -> str:
    return (f'<circle cx="24" cy="-22" r="14" fill="{a}"/>'
            f'<path d="M-50 40 L-14 -24 L6 8 L22 -8 L50 40 Z" fill="{p}"/>'
            f'<path d="M-14 -24 L-23 -8 L-14 -12 L-6 -10 Z" fill="#ffffff"/>')


def _gem(p: str, a: str) -> str:
    return (f'<path d="M-34 -12 L-18 -32 L18 -32 L34 -12 L0 38 Z" fill="{a}" stroke="{p}" '
            f'stroke-width="3" stroke-linejoin="round"/>'
            f'<path d="M-34 -12 H34 M-18 -32 L-8 -12 L0 38 L8 -12 L18 -32 M-8 -12 L0 -32 L8 -12" '
            f'fill="none" stroke="{p}" stroke-width="2"/>')


def _kite(p: str, a: str) -> str:
    return (f'<path d="M0 -44 L28 -8 L0 28 L-28 -8 Z" fill="{a}" stroke="{p}" stroke-width="3"/>'
            f'<path d="M0 -44 V28 M-28 -8 H28" stroke="{p}" stroke-width="2"/>'
            f'<path d="M0 28 q-10 8 0 14 t0 14" fill="none" stroke="{p}" stroke-width="2"/>'
            f'<path d="M-6 38 l6 -3 l6 3 l-6 3 Z" fill="{p}"/>')


_MOTIFS: dict[str, Callable[[str, str], str]] = {
    "bird": _bird, "paw": _paw, "flower": _flower, "wave": _wave, "ball": _ball,
    "building": _building, "sunburst": _sunburst, "frame": _frame, "laurel": _laurel,
    "portrait": _portrait, "train": _train, "star": _star, "globe": _globe,
    "planet": _planet, "mountain": _mountain, "gem": _gem, "kite": _kite,
}


# -- text and colour -----------------------------------------------------------------------


def _line(
    text: str,
    x: float,
    y: float,
    size: float,
    fill: str,
    *,
    anchor: str = "middle",
    weight: str = "normal",
    spacing: float = 0,
    opacity: float = 1,
    fit: float | None = None,
) -> str:
    """One line of escaped text; squeezed to `fit` units when it would run wider."""
    extra = f' letter-spacing="{_n(spacing)}"' if spacing else ""
    extra += f' opacity="{_n(opacity)}"' if opacity != 1 else ""
    if fit is not None and _width(text) * size * 0.56 > fit:
        extra += f' textLength="{_n(fit)}" lengthAdjust="spacingAndGlyphs"'
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{fill}" '
            f'text-anchor="{anchor}" font-weight="{weight}"{extra}>{_text(text)}</text>')


def _text(value: str) -> str:
    """Escaped for XML, with characters XML cannot carry at all removed."""
    return escape(_NOT_XML.sub("", value))


def _width(text: str) -> float:
    """Rough width in ems: marks and Khmer subscripts take no room, Khmer letters more."""
    width = 0.0
    previous = ""
    for char in text:
        mark = unicodedata.category(char) in ("Mn", "Mc", "Me")
        # After a coeng (U+17D2) a consonant is written below the previous one.
        if not mark and previous != "\u17d2":
            width += 1.45 if "\u1780" <= char <= "\u17ff" else 1
        previous = char
    return width


def _wrap(text: str, limit: int, max_lines: int) -> list[str]:
    """Greedy wrap at spaces, breaking words (Khmer has no spaces) only between clusters; an
    overflowing last line ends with an ellipsis."""
    words: list[str] = []
    for word in text.split():
        words.extend(_split_word(word, limit))
    lines: list[str] = []
    for word in words:
        if lines and _width(lines[-1] + " " + word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and _width(last + "…") > limit:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def _split_word(word: str, limit: int) -> list[str]:
    """A word too long for a line, cut into pieces of even width (so no lonely letter is left
    over) and only where a new cluster starts, never before a mark or after a coeng."""
    total = _width(word)
    if total <= limit:
        return [word]
    target = total / math.ceil(total / limit)
    pieces, current = [], ""
    for char in word:
        joins = unicodedata.category(char) in ("Mn", "Mc", "Me") or current.endswith("\u17d2")
        if current and not joins and _width(current + char) > min(target + 0.5, limit):
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def _values(face_value: str) -> list[str]:
    """The value printed on each stamp, from a product's face value text ("$ 15 + $ 25",
    "10 × € 1,21")."""
    values = []
    for part in face_value.split(" + "):
        times, _, value = part.rpartition("×")
        count = int(times) if times.strip().isdigit() else 1
        if value.strip():
            values += [value.strip()] * min(count, 10)
    return values


def _count(face_value: str) -> int:
    """How many stamps a face value text stands for ("6 × $ 15" is six, "$ 15 + $ 25" two)."""
    count = 0
    for part in face_value.split(" + "):
        match = re.match(r"\s*(\d+)\s*×", part)
        count += int(match.group(1)) if match else 1
    return count


def _pick(values: Translations | None, locale: str) -> str:
    if not values:
        return ""
    return values.get(locale) or values.get("en") or next(iter(values.values()), "")


def safe_color(value: str | None, default: str) -> str:
    """`value` if it is a `#rrggbb` colour, else `default`: colours a post chose are written
    into SVG and CSS, so nothing else may pass."""
    return value.lower() if value and _COLOR.match(value) else default


def _mix(color: str, other: str, amount: float) -> str:
    """`color` moved `amount` of the way towards `other`: a pale tint of the post's colour."""
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b, strict=True))


def _n(value: float) -> str:
    """Numbers as SVG wants them: short, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def render_post_emblem(post: Post) -> str:
    """The post's emblem: a post horn in its colours with its country code, drawn by the mall
    until the post uploads a logo of its own."""
    primary = safe_color(post.primary_color, "#1d3557")
    accent = safe_color(post.accent_color, "#e9c46a")
    name = escape(_NOT_XML.sub("", _pick(post.name, "en")))
    code = escape(post.code.upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" '
        f'role="img"><title>{name}</title>'
        f'<rect x="1" y="1" width="62" height="62" rx="12" fill="{primary}"/>'
        f'<g fill="none" stroke="{accent}" stroke-width="4" stroke-linecap="round">'
        '<circle cx="25" cy="26" r="9"/><path d="M34 26h12M7 26h9"/></g>'
        f'<path d="M45 19l12-5v24l-12-5z" fill="{accent}"/>'
        '<text x="32" y="55" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="12" font-weight="700" fill="#ffffff" letter-spacing="1">{code}</text>'
        "</svg>"
    )

