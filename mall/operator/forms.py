"""Operator forms: staff sign-in, and recording a payment as a person types it off a bank
statement or a counter receipt — spaces and case forgiven, nothing else guessed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_name
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from mall.accounts.passwords import MAX_PASSWORD_LENGTH
from mall.columns import utcnow
from mall.forms import MallForm
from mall.i18n import lazy_translate as _l
from mall.money import Money, known_currencies, precision
from mall.operator.models import PaymentChannel
from mall.orders.references import InvalidReference, parse_payment_reference
from mall.settlement.labels import LABELS
from mall.settlement.models import PayoutMethod
from mall.settlement.periods import BadPeriod, parse_period

STRIP = [lambda value: value.strip() if isinstance(value, str) else value]

#: Digits, then optionally a point or a comma and more digits: "1234.50", "1234,50", "15".
_AMOUNT = re.compile(r"(\d+)(?:[.,](\d+))?")
#: Whole units a payment can have at most: beyond, it is a typing accident.
_MAX_WHOLE_DIGITS = 12


class AmountError(ValueError):
    """Amount text that is not an exact amount of the currency; the message is for people."""


def parse_amount(text: str, currency: str) -> Money:
    """The exact amount a person typed, in `currency`.

    Spaces (thousands groups) are ignored; a point or a comma separates the decimals. Both
    at once ("1,234.50") is refused: which is the decimal separator is a guess, and money is
    not guessed. So are more decimals than the currency has (EUR 2, JPY 0, KWD 3)."""
    cleaned = "".join(text.split())
    if "." in cleaned and "," in cleaned:
        raise AmountError(
            _("Write the amount without thousands separators, for example 1234.50.")
        )
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise AmountError(_("Write the amount in digits, for example 1234.50."))
    whole, decimals = match.group(1), match.group(2) or ""
    digits = precision(currency)
    if len(decimals) > digits:
        if digits == 0:
            raise AmountError(
                _("Amounts in %(currency)s have no decimals.", currency=currency)
            )
        raise AmountError(
            ngettext(
                "Amounts in %(currency)s have at most %(num)d decimal.",
                "Amounts in %(currency)s have at most %(num)d decimals.",
                digits,
                currency=currency,
            )
        )
    if len(whole.lstrip("0")) > _MAX_WHOLE_DIGITS:
        raise AmountError(_("This amount is too large to be a payment."))
    amount = Money.from_decimal(Decimal(f"{whole}.{decimals or '0'}"), currency)
    if amount.amount <= 0:
        raise AmountError(_("The amount must be more than zero."))
    return amount


def currency_choices() -> list[tuple[str, str]]:
    """Every ISO 4217 currency, by code, named in the page's language."""
    locale = get_locale()
    return [("", _("Choose…"))] + [
        (code, f"{code} · {get_currency_name(code, locale=locale)}")
        for code in sorted(known_currencies())
    ]


class StaffSignInForm(MallForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=STRIP,
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )


class RecordPaymentForm(MallForm):
    reference = StringField(
        _l("Payment reference"),
        validators=[DataRequired(), Length(max=64)],
        filters=STRIP,
    )
    amount = StringField(
        _l("Amount received"),
        validators=[DataRequired(), Length(max=32)],
        filters=STRIP,
    )
    currency = SelectField(_l("Currency"), validators=[DataRequired()])
    received_on = DateField(
        _l("Received on"), validators=[InputRequired()], default=lambda: utcnow().date()
    )
    channel = SelectField(_l("Paid by"), validators=[DataRequired()])
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=500)],
        filters=STRIP,
    )
    hold = BooleanField(_l("If it does not match the order, hold the money in suspense"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices are set here, like every form of the mall's (WTForms 3.3 deprecates
        # tuples passed to the field's constructor).
        self.currency.choices = currency_choices()
        self.channel.choices = [
            (PaymentChannel.BANK_TRANSFER.value, _("Bank transfer")),
            (PaymentChannel.COUNTER.value, _("Post office counter")),
        ]
        #: Set by validation: the order code inside the reference, the exact amount.
        self.order_code: str | None = None
        self.money: Money | None = None

    def validate_reference(self, field: Field) -> None:
        typed = "".join((field.data or "").split()).upper()
        if len(typed) < 5 or not typed.startswith("RF") or not typed[2:4].isdigit():
            raise ValidationError(
                _("This is not a payment reference: they look like RF18 K7MP Q2ZA.")
            )
        if not typed[4:].isalnum() or not typed.isascii():
            raise ValidationError(
                _("A payment reference has only letters and digits: please check it.")
            )
        try:
            self.order_code = parse_payment_reference(typed)
        except InvalidReference:
            raise ValidationError(
                _("There is a typing error in this reference: the check digits do not "
                  "match. Please compare it with the statement.")
            ) from None

    def validate_amount(self, field: Field) -> None:
        currency = self.currency.data
        if currency not in known_currencies():
            return  # the currency's own error says what to fix first
        try:
            self.money = parse_amount(field.data or "", currency)
        except AmountError as error:
            raise ValidationError(str(error)) from None

    def validate_received_on(self, field: Field) -> None:
        # A day of slack: the desk's "today" may already be tomorrow in UTC terms.
        if field.data is not None and field.data > utcnow().date() + timedelta(days=1):
            raise ValidationError(_("This date is in the future."))

    @property
    def channel_value(self) -> PaymentChannel:
        return PaymentChannel(self.channel.data)

    @property
    def received_date(self) -> date:
        return self.received_on.data


class PeriodForm(MallForm):
    """The month to settle, written YYYY-MM."""

    period = StringField(_l("Month (YYYY-MM)"), validators=[DataRequired(), Length(max=7)],
                         filters=STRIP)

    def validate_period(self, field: Field) -> None:
        try:
            self.month = parse_period(field.data or "")
        except BadPeriod:
            raise ValidationError(_("Write the month as YYYY-MM, for example 2026-11.")) from None


class ConfirmForm(MallForm):
    """A button that changes something, with its CSRF token and nothing else."""


class PayoutForm(MallForm):
    method = SelectField(_l("Paid by"), validators=[DataRequired()])
    reference = StringField(_l("Reference (bank transfer or UPU clearing)"),
                            validators=[Optional(), Length(max=120)], filters=STRIP)
    account_number = StringField(_l("IBAN or account number"),
                                 validators=[Optional(), Length(max=64)], filters=STRIP)
    bic = StringField(_l("BIC (SWIFT)"), validators=[Optional(), Length(max=16)],
                      filters=STRIP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.method.choices = [(method.value, payout_method_label(method))
                               for method in PayoutMethod]


class PayoutAccountForm(MallForm):
    method = SelectField(_l("How this post is paid"), validators=[DataRequired()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.method.choices = [(method.value, payout_method_label(method))
                               for method in PayoutMethod]


class ReferenceForm(MallForm):
    """A transfer the operator made, named by the bank's reference."""

    reference = StringField(_l("Bank transfer reference"),
                            validators=[DataRequired(), Length(max=120)], filters=STRIP)


class SuspenseForm(MallForm):
    action = SelectField(_l("Decision"), validators=[DataRequired()])
    reference = StringField(_l("Bank transfer reference (when money is sent back)"),
                            validators=[Optional(), Length(max=120)], filters=STRIP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [
            ("accept_short", _("Accept the short payment (the difference is a bank fee)")),
            ("ask_rest", _("Ask the buyer for the rest")),
            ("refund_excess", _("Pay the order and send the excess back")),
            ("return_all", _("Send all of it back")),
        ]


def payout_method_label(method: PayoutMethod) -> str:
    return str(LABELS[method])
