"""The standing order form. Choices that depend on the database (posts, themes, currencies
with a rate, the collector's addresses) are filled in by the view."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from mall.catalogue.labels import label
from mall.catalogue.models import Condition, ProductFormat
from mall.checkout.forms import PLACEMENT_KEY_PATTERN
from mall.forms import MallForm
from mall.i18n import lazy_translate as _l
from mall.money import Money
from mall.orders.labels import order_label
from mall.orders.models import PaymentMethod

#: The largest budget that can be typed, in major units (a typo's guard, not a policy).
MAX_BUDGET = Decimal(1_000_000)


class StandingOrderForm(MallForm):
    #: The new form's one-time key (random, like checkout's placement key).
    creation_key = HiddenField(validators=[Optional(), Regexp(PLACEMENT_KEY_PATTERN)])
    scope = SelectField(_l("Every new issue of"), validators=[InputRequired()])
    formats = SelectMultipleField(
        _l("In these formats"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Please tick at least one format."))],
    )
    condition = SelectField(_l("Condition"))
    quantity = IntegerField(
        _l("How many of each"), default=1,
        validators=[InputRequired(message=_l("Please say how many of each.")),
                    NumberRange(min=1, max=20, message=_l("From 1 to 20 of each."))],
    )
    currency = SelectField(_l("Currency of the orders and the budget"))
    max_per_issue = DecimalField(
        _l("At most per issue, shipping included"), places=None,
        validators=[Optional(), NumberRange(min=Decimal("0.01"), max=MAX_BUDGET,
                                            message=_l("Please give a positive amount."))],
    )
    max_per_month = DecimalField(
        _l("At most per calendar month"), places=None,
        validators=[Optional(), NumberRange(min=Decimal("0.01"), max=MAX_BUDGET,
                                            message=_l("Please give a positive amount."))],
    )
    payment_method = RadioField(_l("Pay"), default=PaymentMethod.BANK_TRANSFER.value)
    address = SelectField(
        _l("Send to"),
        validators=[InputRequired(message=_l("Please add an address first, under Addresses."))],
    )

    def __init__(self, *args: Any, has_card: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_card = has_card
        self.formats.choices = [(member.value, label(member)) for member in ProductFormat]
        self.condition.choices = [(member.value, label(member)) for member in Condition]
        self.payment_method.choices = [
            (PaymentMethod.CARD.value, _l("With my saved card, when the order is placed")),
            (PaymentMethod.BANK_TRANSFER.value,
             _l("%(method)s, with the order's payment reference",
                method=order_label(PaymentMethod.BANK_TRANSFER))),
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        ok = True
        if self.max_per_issue.data is None and self.max_per_month.data is None:
            self.max_per_issue.errors.append(
                _l("Please set a budget: at most per issue, per month, or both."))
            ok = False
        for field in (self.max_per_issue, self.max_per_month):
            if field.data is not None and self.budget(field) is None:
                field.errors.append(_l("This currency has no smaller unit than %(amount)s.",
                                       amount=str(Money(1, self.currency.data).to_decimal())))
                ok = False
        if self.payment_method.data == PaymentMethod.CARD.value and not self.has_card:
            self.payment_method.errors.append(
                _l("Save a card first (below), or pay by bank transfer."))
            ok = False
        return ok

    def budget(self, field: DecimalField) -> int | None:
        """The amount typed, in minor units; None when it has more decimals than the
        currency has (never rounded: a budget is what the collector wrote)."""
        if field.data is None:
            return None
        money = Money.from_decimal(field.data, self.currency.data)
        return money.amount if money.to_decimal() == field.data else None


class StatusForm(MallForm):
    """Pause, resume or cancel: only the CSRF token and the action."""

    action = StringField(validators=[InputRequired(), AnyOf(["pause", "resume", "cancel"])])



class ButtonForm(MallForm):
    """A button that changes something (save a card in live mode, remove it): the token."""
