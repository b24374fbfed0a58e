"""Steps several browser tests take the same way, so a change of the checkout's form is
mended in one place."""

from __future__ import annotations

from typing import Any


def send_address(page: Any, *, name: str, street: str, city: str, country: str,
                 postal_code: str = "", email: str = "", tap: bool = False) -> None:
    """Fill the checkout's address step and go on to shipping (`tap` on a touch screen)."""
    if email:
        page.get_by_label("Email address (for the order confirmation)").fill(email)
    page.get_by_label("Name on the envelope").fill(name)
    page.get_by_label("Address", exact=True).fill(street)
    if postal_code:
        page.get_by_label("Postal code").fill(postal_code)
    page.get_by_label("City or town").fill(city)
    page.get_by_label("Country").select_option(country)
    button = page.get_by_role("button", name="Continue to shipping")
    if tap:
        button.tap()
    else:
        button.click()
