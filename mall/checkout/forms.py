"""Checkout's forms. Each posts to the portal with a CSRF token; choices that depend on
the page's language (country names) or on the buyer (saved addresses) are set by the view."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from wtforms import EmailField, HiddenField, IntegerField, StringField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)

from mall.accounts.forms import STRIP, AddressForm, country_choices
from mall.columns import MAX_ID
from mall.forms import MallForm
from mall.i18n import lazy_translate as _l
from mall.orders.models import PaymentMethod
from mall.shipping.zones import UnknownCountry, country_codes, normalise_country

#: Placement keys are random URL-safe text (see `new_placement_key`).
PLACEMENT_KEY_PATTERN = r"^[A-Za-z0-9_-]{20,64}$"


def new_placement_key() -> str:
    """The one-time key of one rendering of the review page's "Place order" form."""
    return secrets.token_urlsafe(24)


def shipping_country_choices() -> list[tuple[str, str]]:
    """Countries the posts' shipping zones know, named in the page's language."""
    known = country_codes()
    return [
        (code, name)
        for code, name in country_choices(blank=_("Choose a country"))
        if code == "" or code in known
    ]


class CheckoutAddressForm(AddressForm):
    """Where the order goes; with an email address unless a signed-in buyer checks out."""

    email = EmailField(
        _l("Email address (for the order confirmation)"),
        validators=[Length(max=254)],
        filters=STRIP,
    )

    def __init__(self, *args: object, email_required: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email_required = email_required
        self.country.choices = shipping_country_choices()

    def validate_email(self, field: StringField) -> None:
        """Required from guests; a signed-in buyer's account address is used otherwise."""
        if not field.data:
            if self.email_required:
                raise ValidationError(
                    _l("Please enter your email address: we send the order to it.")
                )
            return
        Email(check_deliverability=False)(self, field)

    def validate_country(self, field: StringField) -> None:
        try:
            field.data = normalise_country(field.data)
        except UnknownCountry as unknown:
            raise ValidationError(str(unknown.message)) from None


class SavedAddressForm(MallForm):
    """A signed-in buyer ships to one of their saved addresses."""

    address_id = IntegerField(
        validators=[InputRequired(_l("Please choose an address.")), NumberRange(min=1, max=MAX_ID)]
    )


class ShippingForm(MallForm):
    """Only the CSRF token: each post's choice is a radio group named `method-<post id>`,
    checked by the view against the options that post offers."""


class PlaceOrderForm(MallForm):
    """The review page's confirmation: the quote the buyer read, the fingerprint of what
    was priced, how they pay, and the form's one-time key."""

    quote_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    fingerprint = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9a-f]{32}$")])
    placement_key = HiddenField(validators=[InputRequired(), Regexp(PLACEMENT_KEY_PATTERN)])
    #: Drawn as radio buttons by the template, one per method the view offers.
    payment_method = StringField(
        _l("How would you like to pay?"),
        validators=[
            DataRequired(_l("Please choose how to pay.")),
            AnyOf([method.value for method in PaymentMethod],
                  message=_l("Please choose how to pay.")),
        ],
    )
