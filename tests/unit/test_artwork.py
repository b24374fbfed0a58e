"""The stamp pictures the mall draws: well-formed standalone SVG that the site's CSP accepts
(no inline styles, no scripts), safe with any title a post types, the same bytes every time,
and legible in the post's own script."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date

import pytest

from mall.catalogue.artwork import SIZES, render_post_emblem, render_stamp_svg
from mall.catalogue.models import Condition, Issue, Product, ProductFormat
from mall.extensions import db
from mall.posts.models import Post

SVG = "{http://www.w3.org/2000/svg}"
MakeIssue = Callable[..., Issue]


@pytest.fixture
def wetlands(make_post: Callable[..., Post], make_issue: MakeIssue) -> Issue:
    post = make_post("uy", primary_color="#0038a8", accent_color="#fcd116")
    return make_issue(
        post,
        slug="humedales-para-nuestro-futuro",
        title={"es": "Humedales para nuestro futuro", "en": "Wetlands for our future"},
        issue_date=date(2015, 6, 4),
        wns_numbers=["UY005.15", "UY006.15"],
        themes=["birds", "landscapes"],
    )


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well-formed
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def _assert_csp_safe(root: ET.Element) -> None:
    for element in root.iter():
        name = element.tag.removeprefix(SVG)
        assert name not in {"style", "script", "foreignObject", "image"}, name
        for attribute in element.attrib:
            assert attribute != "style", f"style attribute on <{name}>"
            assert not attribute.lower().startswith("on"), f"event handler on <{name}>"
        for value in element.attrib.values():
            assert "javascript:" not in value.lower()
            assert "http" not in value or element is root  # only the xmlns on <svg>


PRODUCTS = [
    (None, None),
    (ProductFormat.SINGLE, Condition.MINT),
    (ProductFormat.SET, Condition.USED),
    (ProductFormat.SOUVENIR_SHEET, Condition.MINT),
    (ProductFormat.SHEETLET, Condition.CTO),
    (ProductFormat.FIRST_DAY_COVER, Condition.MINT),
    (ProductFormat.BOOKLET, Condition.MINT),
    (ProductFormat.PRESENTATION_PACK, Condition.MINT),
]


@pytest.mark.parametrize(("fmt", "condition"), PRODUCTS)
@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_kind_of_picture_is_well_formed_and_csp_safe(
    wetlands: Issue,
    make_product: Callable[..., Product],
    fmt: ProductFormat | None,
    condition: Condition | None,
    size: str,
) -> None:
    product = None
    if fmt is not None:
        face = "6 × $ 15" if fmt is ProductFormat.SHEETLET else "$ 15 + $ 25"
        product = make_product(wetlands, format=fmt, condition=condition, face_value=face)

    root = _parse(render_stamp_svg(wetlands, product, size))

    assert re.fullmatch(r"0 0 \d+ \d+", root.attrib["viewBox"])
    assert float(root.attrib["width"]) > 0
    title = root.find(f"{SVG}title")
    assert title is not None
    assert "Humedales para nuestro futuro" in (title.text or "")
    assert root.attrib["role"] == "img"
    _assert_csp_safe(root)


def test_the_stamp_shows_country_year_title_and_face_value(
    wetlands: Issue, make_product: Callable[..., Product]
) -> None:
    product = make_product(wetlands, format=ProductFormat.SINGLE, face_value="$ 45")

    texts = _texts(_parse(render_stamp_svg(wetlands, product)))

    assert "URUGUAY" in texts
    assert "2015" in texts
    assert "$ 45" in texts
    assert "Humedales para nuestro futuro" in " ".join(texts)


def test_without_a_product_no_face_value_is_invented(wetlands: Issue) -> None:
    texts = _texts(_parse(render_stamp_svg(wetlands)))
    assert not any("$" in text for text in texts)


def test_the_locale_chooses_the_language_with_english_fallback(wetlands: Issue) -> None:
    assert "Wetlands for our" in " ".join(_texts(_parse(render_stamp_svg(wetlands, locale="en"))))
    assert "Wetlands for our" in " ".join(_texts(_parse(render_stamp_svg(wetlands, locale="fr"))))
    assert "Humedales" in " ".join(_texts(_parse(render_stamp_svg(wetlands))))


def test_a_script_in_the_title_is_escaped_as_text(
    make_post: Callable[..., Post], make_issue: MakeIssue
) -> None:
    title = '<script>alert("x")</script> & <b onload="evil()">'
    issue = make_issue(make_post("nl"), title={"nl": title, "en": title}, themes=["art"])

    svg = render_stamp_svg(issue)

    assert '"/><x' not in svg
    assert "<b " not in svg
    assert "&lt;script&gt;" in svg
    root = _parse(svg)
    _assert_csp_safe(root)
    assert title in (root.find(f"{SVG}title").text or "")  # type: ignore[union-attr]


def test_characters_xml_cannot_carry_are_dropped(
    make_post: Callable[..., Post], make_issue: MakeIssue
) -> None:
    issue = make_issue(make_post("nl"), title={"nl": "Tulpen\x00\x0b\x1f uit Holland\ufffe"})
    root = _parse(render_stamp_svg(issue))
    assert "Tulpen uit Holland" in " ".join(_texts(root))


def test_bad_colours_never_reach_the_markup(
    make_post: Callable[..., Post], make_issue: MakeIssue
) -> None:
    post = make_post("ug", primary_color='"><x', accent_color="red")
    issue = make_issue(post, title={"en": "Mountain gorillas"}, themes=["fauna"])

    svg = render_stamp_svg(issue)

    root = _parse(svg)
    assert '"><x' not in svg
    fills = {el.attrib.get("fill") for el in root.iter()} - {None}
    assert all(re.fullmatch(r"#[0-9a-f]{6}|none", fill or "") for fill in fills), fills


def test_the_picture_is_deterministic(
    wetlands: Issue, make_product: Callable[..., Product]
) -> None:
    product = make_product(wetlands, format=ProductFormat.FIRST_DAY_COVER, face_value="$ 15")
    first = render_stamp_svg(wetlands, product)
    issue_id, product_id = wetlands.id, product.id

    db.session.expire_all()  # read everything back from the database
    again = render_stamp_svg(db.session.get(Issue, issue_id), db.session.get(Product, product_id))

    assert first == again
    assert render_stamp_svg(wetlands) == render_stamp_svg(wetlands)


def test_different_issues_get_different_ids(
    make_post: Callable[..., Post], make_issue: MakeIssue
) -> None:
    """Ids of masks must not collide when several stamps are inlined into one page."""
    post = make_post("uy")
    one, two = make_issue(post, slug="a"), make_issue(post, slug="b")
    masks = [_parse(render_stamp_svg(issue)).find(f".//{SVG}mask") for issue in (one, two)]
    assert masks[0] is not None
    assert masks[1] is not None
    assert masks[0].attrib["id"] != masks[1].attrib["id"]


def test_khmer_text_survives(make_post: Callable[..., Post], make_issue: MakeIssue) -> None:
    title = "១៥០ឆ្នាំនៃសហភាពប្រៃសណីយ៍សកល"
    post = make_post("kh")
    issue = make_issue(post, title={"km": title, "en": "150 years of the UPU"}, themes=["upu"])

    svg = render_stamp_svg(issue)

    texts = _texts(_parse(svg))
    assert "កម្ពុជា" in texts
    assert "CAMBODIA" in texts  # the English name under the Khmer one
    assert title in "".join(texts)  # wrapped, but every character kept, in order


def test_khmer_lines_break_between_clusters_only(
    make_post: Callable[..., Post], make_issue: MakeIssue
) -> None:
    """No line may start with a vowel sign or a subscript consonant (coeng + letter)."""
    title = "ព្រះមហាក្សត្រនរោត្តមសីហមុនីម្ពស្ត្រីស្រ្តីក្សត្រិយ៍" * 2
    issue = make_issue(make_post("kh"), title={"km": title})

    texts = _texts(_parse(render_stamp_svg(issue)))
    lines = [text for text in texts if text and "\u1780" <= text[0] <= "\u17ff"]
    assert len(lines) >= 3  # the country and a title long enough to wrap

    for line in lines:
        assert not ("\u17b6" <= line[0] <= "\u17d3"), line  # dependent vowels and signs
    for previous in lines:
        assert not previous.endswith("\u17d2"), previous


def test_sheets_are_wider_and_show_several_stamps(
    wetlands: Issue, make_product: Callable[..., Product]
) -> None:
    sheetlet = make_product(wetlands, format=ProductFormat.SHEETLET, face_value="10 × € 1,21")
    single = make_product(wetlands, format=ProductFormat.SINGLE, face_value="$ 15")

    sheet_root = _parse(render_stamp_svg(wetlands, sheetlet))
    stamp_root = _parse(render_stamp_svg(wetlands, single))

    def stamps(root: ET.Element) -> int:
        return sum(1 for el in root.iter(f"{SVG}rect") if el.attrib.get("fill") == "#ffffff"
                   and el.attrib.get("mask"))

    assert stamps(sheet_root) == 10
    assert stamps(stamp_root) == 1
    sheet_width, sheet_height = map(int, sheet_root.attrib["viewBox"].split()[2:])
    assert sheet_width > sheet_height
    assert stamps(_parse(render_stamp_svg(wetlands, sheetlet, as_stamp=True))) == 1


def test_a_used_stamp_carries_a_postmark(
    wetlands: Issue, make_product: Callable[..., Product]
) -> None:
    used = make_product(wetlands, condition=Condition.USED, face_value="$ 15")
    mint = make_product(wetlands, condition=Condition.MINT, face_value="$ 15")

    def circles(product: Product) -> int:
        return sum(1 for _ in _parse(render_stamp_svg(wetlands, product)).iter(f"{SVG}circle")
                   if _.attrib.get("fill") == "none")

    assert circles(used) > circles(mint)
    assert "04.06.2015" in _texts(_parse(render_stamp_svg(wetlands, used)))


def test_unknown_sizes_are_refused(wetlands: Issue) -> None:
    with pytest.raises(ValueError, match="Unknown artwork size"):
        render_stamp_svg(wetlands, size="huge")


def test_post_emblem_is_safe_svg_in_the_posts_colours(make_post):
    post = make_post("uy", primary_color="#0038A8", accent_color='"/><x a',
                     name={"en": "<Correo & Uruguayo>"})
    svg = render_post_emblem(post)
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well-formed
    assert root.tag.endswith("svg")
    assert 'fill="#0038a8"' in svg
    assert '"/><x' not in svg
    assert "&lt;Correo &amp; Uruguayo&gt;" in svg
    assert "#e9c46a" in svg  # the invalid accent fell back to the default
