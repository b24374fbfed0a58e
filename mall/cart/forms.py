"""The cart's forms. Every one is a POST posted to the host it was served from, with a
CSRF token (adding: or a same-origin proof, see `mall.pagecache.origin`)."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from wtforms import Field, HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Regexp, StopValidation

from mall.columns import MAX_ID
from mall.forms import MallForm

#: Form keys are random URL-safe text; see `new_form_key`.
FORM_KEY_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"


def new_form_key() -> str:
    """A fresh key for one rendering of an add-to-cart form (see `AddToCartForm.key`)."""
    return secrets.token_urlsafe(16)


def max_quantity() -> int:
    return int(current_app.config["CART_MAX_QUANTITY"])


class QuantityRange:
    """A whole number from 1 to `CART_MAX_QUANTITY`, with one clear message for every way
    of getting it wrong (empty, 0, -1, "abc", 2.5, 10^20)."""

    def __call__(self, form: MallForm, field: Field) -> None:
        if field.data is None or not 1 <= field.data <= max_quantity():
            field.errors[:] = []
            raise StopValidation(
                _("Enter a whole number from 1 to %(max)d.", max=max_quantity())
            )


class QuantityForm(MallForm):
    """Change how many of a product the cart holds (the cart page)."""

    quantity = IntegerField(validators=[QuantityRange()])
    next = HiddenField()


class AddToCartForm(QuantityForm):
    """Put a product in the cart (an issue page, one form per product)."""

    class Meta:
        #: Shared (cached) pages carry this form without a token: `mall.pagecache.origin`
        #: checks where the post comes from instead, or the token when the browser says not.
        csrf = False

    product_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    #: A random key written into the form when the page is drawn. The cart remembers the
    #: keys it has applied, so the same form posted twice (a double click, a reload of the
    #: result, going back and sending again) adds once. "Set the quantity" semantics would
    #: be idempotent too, but an issue page does not know what a not-yet-linked host's cart
    #: already holds, and a collector who adds one more expects one more.
    key = HiddenField(validators=[InputRequired(), Regexp(FORM_KEY_PATTERN)])


def first_error(form: MallForm) -> str:
    """The first message of an invalid form, for a flash or an error page."""
    for field in form:
        if field.errors:
            return str(field.errors[0])
    return _("The form could not be read. Please try again.")
