"""The buyer's pages on a phone, in a real browser: a collector fills a cart from three posts
by tapping "Add to cart" at 390 px, checks out and places an order. On every page nothing is
wider than the screen (no sideways scrolling, no element sticking out of the viewport), the
header leaves most of the first screen to the page, and the cart still fits at 360 px. Run
with development and with real `*.post` names.

Screenshots of every page checked are kept in the directory named by MALL_SCREENSHOTS, when
set, to look at what the assertions cannot judge."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mall.cart.models import CartLine
from mall.extensions import db
from mall.rates.services import set_operator_rate
from mall.shipping.models import ShippingKind
from mall.shipping.zones import Zone
from tests.browser.steps import send_address
from tests.support.checkout import RATES, RATES_DAY, add_method

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
#: The most of the first screen the header (top bar and the site's own header) may take.
HEADER_SHARE = 0.3

#: Every visible element whose visible part sticks out of the viewport, named by a selector.
#: An element's visible part is its box cut by every ancestor that clips what overflows it
#: (a row of shop sections that scrolls sideways shows only what fits in it); an element
#: rendered nowhere (display: none, a closed menu, a visually hidden label) is skipped.
_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const clipsToNothing = (style) =>
    style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)";
  const name = (el) => {
    const parts = [];
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      let part = node.localName;
      if (node.id) { parts.unshift(part + "#" + node.id); break; }
      const classes = [...node.classList].slice(0, 2);
      if (classes.length) part += "." + classes.join(".");
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) continue;
    let {left, right, top, bottom} = el.getBoundingClientRect();
    let hidden = right - left <= 0 || bottom - top <= 0;
    for (let node = el; node && !hidden; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (clipsToNothing(style)) hidden = true;
      else if (node !== el && style.overflowX !== "visible") {
        const box = node.getBoundingClientRect();
        left = Math.max(left, box.left); right = Math.min(right, box.right);
        hidden = right - left <= 0;
      }
    }
    if (!hidden && (right > width + 0.5 || left < -0.5)) {
      offenders.push(`${name(el)} (${Math.round(left)}..${Math.round(right)})`);
    }
  }
  return offenders;
}"""

#: How far down the first screen the header reaches, in CSS pixels.
_HEADER_BOTTOM = """() => Math.max(...[...document.querySelectorAll(".topbar, .site-header")]
  .map((el) => el.getBoundingClientRect().bottom + scrollY))"""

#: Whether a tap at the centre of the element reaches the element itself.
_TAPPABLE = """(el) => {
  const box = el.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return hit === el || el.contains(hit);
}"""


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A touch screen 390 px wide."""
    context = browser.new_context(locale="en-GB", viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def three_shops(make_post, make_issue, make_product):
    """Three posts in three currencies, each with an issue whose words are long: a
    description longer than a phone's screen, a title with a word wider than one."""
    for currency, rate in RATES.items():
        set_operator_rate(db.session, currency, rate, RATES_DAY)
    everywhere = dict.fromkeys(Zone, 0)
    description = " ".join(
        ["The wetlands of the east hold a third of the country's birds."] * 12
        + ["\n\nPrint run: 120,000. Perforation: 13¼ × 13."]
    )
    titles = {
        "uy": "Humedales del Este: Bañados de Rocha y la Laguna Merín",
        "nl": "Waddenzeewerelderfgoedbezoekerscentrumvrijwilligers",
        "jp": "Cherry blossoms over the Shinkansen",
    }
    ids = {}
    for code, title in titles.items():
        post = make_post(code)
        add_method(post, "letter", ShippingKind.LETTER, {**everywhere, Zone.WORLD: 400,
                                                          Zone.REGION: 300})
        add_method(post, "parcel", ShippingKind.PARCEL, {**everywhere, Zone.WORLD: 2400,
                                                          Zone.REGION: 1500})
        issue = make_issue(post, slug=f"long-{code}", title={"en": title},
                           description={"en": description})
        make_product(issue, price_minor=12_345_600 if code == "jp" else 9_000, stock=40)
        ids[code] = make_product(issue, price_minor=45_000, stock=3).id
    db.session.commit()  # and hold no transaction: SQLite would keep the server waiting
    return ids


def fits_the_screen(page: Any, what: str, shots: Path | None) -> None:
    """The page as it is now: nothing wider than the screen, the header a small part of it."""
    if shots is not None:
        page.screenshot(path=str(shots / f"{page.viewport_size['width']}-{what}.png"),
                        full_page=True)
    width = page.viewport_size["width"]
    assert page.evaluate("() => innerWidth") == width
    scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{what}: the page is {scroll_width} px wide, not {width}"
    offenders = page.evaluate(_OVERFLOWING)
    assert not offenders, f"{what}: sticking out of {width} px: " + "; ".join(offenders)
    header = page.evaluate(_HEADER_BOTTOM)
    height = page.viewport_size["height"]
    assert header < HEADER_SHARE * height, f"{what}: the header takes {header} of {height} px"


def tap_add_to_cart(page: Any, mall: Any, code: str, product_id: int) -> None:
    page.goto(mall.storefront(code, f"/issues/long-{code}"))
    # by its place, not its words: a storefront may speak its own language
    button = page.locator(f"#product-{product_id} form.add-form button[type=submit]")
    button.scroll_into_view_if_needed()
    assert button.evaluate(_TAPPABLE), f"on {code}'s issue page something covers Add to cart"
    button.tap()
    page.wait_for_url(re.compile(rf"/issues/long-{code}#product-{product_id}$"))
    # back at the product, far down the page: the "added" note is on the screen all the same
    note = page.locator(".flash-success").bounding_box()
    assert note is not None, "no note that the stamps were added"
    assert note["y"] >= 0
    assert note["y"] + note["height"] <= page.viewport_size["height"]


def check_out(page: Any, mall: Any, shots: Path | None) -> None:
    """From the cart to the review page, each step checked on the way."""
    page.goto(mall.portal("/cart"))
    page.get_by_role("link", name="Checkout").tap()
    page.wait_for_url(mall.portal("/checkout"))
    fits_the_screen(page, "checkout-address", shots)
    send_address(page, email="claire@example.fr", name="Claire Martin",
                 street="12 rue de la Poste", postal_code="69002", city="Lyon", country="FR",
                 tap=True)
    page.wait_for_url(mall.portal("/checkout/shipping"))
    fits_the_screen(page, "checkout-shipping", shots)
    page.get_by_role("button", name="Continue to review").tap()
    page.wait_for_url(mall.portal("/checkout/review"))
    fits_the_screen(page, "checkout-review", shots)


def lines_are_readable(page: Any) -> None:
    """Each cart line's amount, converted amount, quantity and Remove button are all shown,
    none on top of another."""
    parts = ("td.line-amount", "td.line-converted", ".quantity-form", ".line-remove button")
    for line in page.locator("tr.cart-line").all():
        boxes = {}
        for part in parts:
            element = line.locator(part)
            assert element.is_visible(), f"{part} is not shown"
            boxes[part] = element.bounding_box()
        for i, first in enumerate(parts):
            for second in parts[i + 1:]:
                assert not _overlap(boxes[first], boxes[second]), f"{first} covers {second}"


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.fixture
def shots(tmp_path: Path) -> Path | None:
    directory = os.environ.get("MALL_SCREENSHOTS")
    if not directory:
        return None
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_a_collector_shops_and_checks_out_on_a_phone(phone, live_mall, three_shops, shots):
    page, mall = phone, live_mall
    page.goto(mall.portal())
    fits_the_screen(page, "portal", shots)
    page.goto(mall.portal("/search?q=wetlands"))
    fits_the_screen(page, "search", shots)
    page.goto(mall.storefront("nl"))
    fits_the_screen(page, "storefront", shots)
    page.goto(mall.storefront("nl", "/catalogue"))
    fits_the_screen(page, "catalogue", shots)

    for count, code in enumerate(("uy", "nl", "jp"), start=1):
        tap_add_to_cart(page, mall, code, three_shops[code])
        assert page.locator(".cart-badge .cart-count").inner_text() == str(count)
    fits_the_screen(page, "issue", shots)
    assert db.session.query(CartLine).count() == 3
    db.session.rollback()

    page.goto(mall.portal("/cart"))
    assert page.locator("tr.cart-line").count() == 3
    fits_the_screen(page, "cart", shots)
    lines_are_readable(page)
    page.set_viewport_size(SMALL_PHONE)
    fits_the_screen(page, "cart", shots)
    lines_are_readable(page)
    page.set_viewport_size(PHONE)

    check_out(page, mall, shots)
    page.get_by_role("radio", name=re.compile("^Bank transfer")).check()
    page.locator("button.place-button").tap()
    page.wait_for_url(re.compile(r"/orders/\w+$"))
    assert page.locator("#pay-without-card").is_visible()
    fits_the_screen(page, "order", shots)


def test_a_collector_pays_by_card_and_reads_the_receipt_on_a_phone(
    phone, card_mall, three_shops, shots
):
    page, mall = phone, card_mall
    for code in ("uy", "jp"):
        tap_add_to_cart(page, mall, code, three_shops[code])
    check_out(page, mall, shots)
    page.get_by_role("radio", name=re.compile("^Card")).check()
    page.locator("button.place-button").tap()
    page.wait_for_url(re.compile(r"/orders/\w+/pay$"))
    fits_the_screen(page, "pay", shots)
    page.get_by_role("button", name="Pay with test card 4242 (succeeds)").tap()
    page.wait_for_url(re.compile(r"/orders/\w+$"))
    assert page.locator("#order-status").inner_text() == "Paid"
    fits_the_screen(page, "order-paid", shots)
    page.locator("a.receipt-link").first.tap()
    page.wait_for_url(re.compile(r"/receipt"))
    fits_the_screen(page, "receipt", shots)


def test_the_phone_menu_opens_in_the_flow_and_is_always_open_on_a_wide_screen(
    phone, live_mall, make_post
):
    make_post("uy")
    db.session.commit()
    page = phone
    page.goto(live_mall.storefront("uy"))
    menu = page.locator("details.site-menu")
    languages = page.locator("nav.languages")
    assert not languages.is_visible()
    header_top = page.locator(".site-header").bounding_box()["y"]

    page.locator("details.site-menu > summary").tap()
    assert languages.is_visible()
    assert page.locator(".currency-form button").is_visible()
    assert page.locator(".account-links a").first.is_visible()
    menu_bottom = page.locator(".topbar").bounding_box()
    # the shop's header moved down below the open menu: nothing is hidden under it
    assert page.locator(".site-header").bounding_box()["y"] >= menu_bottom["y"] + menu_bottom[
        "height"] > header_top
    assert page.evaluate(_OVERFLOWING) == []
    page.locator("details.site-menu > summary").tap()
    assert not languages.is_visible()

    page.set_viewport_size({"width": 1280, "height": 800})
    assert menu.get_attribute("open") is None
    assert languages.is_visible()
    assert page.locator(".account-links a").first.is_visible()
    assert not page.locator("details.site-menu > summary").is_visible()
