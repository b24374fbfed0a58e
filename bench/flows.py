"""What a buyer does, step by step, over a `bench.client.Browser`: take a CSRF token, fill a
cart, and go through checkout up to the form that places the order."""

from __future__ import annotations

from dataclasses import dataclass

from bench.client import CSRF, Browser, Reply, form_key

PORTAL = "stamps.post"
#: Where the bench buyer's parcels go: a country every demo post ships to.
SHIP_TO = "NL"
ADDRESS = {
    "email": "bench@example.com", "name": "Bench Buyer", "line1": "Keizersgracht 1",
    "line2": "", "city": "Amsterdam", "postal_code": "1015 CJ", "region": "",
    "country": SHIP_TO, "phone": "+31 20 000 0000",
}


def storefront(code: str) -> str:
    return f"stamps.{code}.post"


def csrf_token(browser: Browser) -> str:
    """A CSRF token of this visitor's portal session (the cart page's forms carry one)."""
    for path in ("/cart", "/", "/search"):
        found = CSRF.search(browser.get(PORTAL, path).text)
        if found:
            return found.group(1)
    raise RuntimeError("no CSRF token on the portal's pages")


def add_form(token: str, product_id: int | str, key: str | None = None) -> dict[str, str]:
    return {"csrf_token": token, "product_id": str(product_id), "quantity": "1",
            "key": key or form_key(), "next": "/cart"}


def add_to_cart(browser: Browser, token: str, product_id: int) -> Reply:
    reply = browser.post(PORTAL, "/cart/add", add_form(token, product_id))
    if reply.status not in (302, 303):
        raise RuntimeError(f"adding product {product_id} answered {reply.status}")
    return reply


def fill_cart(browser: Browser, product_ids: list[int]) -> str:
    """A cart at the portal holding `product_ids`, one each; returns the CSRF token."""
    token = csrf_token(browser)
    for product_id in product_ids:
        add_to_cart(browser, token, product_id)
    browser.get(PORTAL, "/cart")  # reads the flashed messages, as the browser would
    return token


@dataclass
class ReadyOrder:
    """A visitor at the review page: its cookies and the form that places the order."""

    browser: Browser
    form: dict[str, str]

    def place(self) -> Reply:
        return self.browser.post(PORTAL, "/checkout/place", self.form)


def to_review(browser: Browser) -> ReadyOrder:
    """Address, shipping (each post's first method), review: the place-order form."""
    fields = browser.form(PORTAL, "/checkout", "/checkout")
    reply = browser.post(PORTAL, "/checkout", {**fields, **ADDRESS})
    if reply.status != 303 or "shipping" not in reply.location:
        raise RuntimeError(f"the address step answered {reply.status}")
    fields = browser.form(PORTAL, "/checkout/shipping", "/checkout/shipping")
    reply = browser.post(PORTAL, "/checkout/shipping", fields)
    if reply.status != 303 or "review" not in reply.location:
        raise RuntimeError(f"the shipping step answered {reply.status}")
    fields = browser.form(PORTAL, "/checkout/review", "/checkout/place")
    fields["payment_method"] = "bank_transfer"
    return ReadyOrder(browser, fields)
