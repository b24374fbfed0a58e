"""Forms on the buyer's order page: paying with a test card, cancelling an unpaid order."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import AnyOf, InputRequired

from mall.forms import MallForm


class TestCardForm(MallForm):
    """Test mode's two buttons: Stripe's test card that pays, and the one that is declined."""

    card = StringField(validators=[InputRequired(), AnyOf(["success", "decline"])])


class CancelOrderForm(MallForm):
    """Only the CSRF token."""
