"""The two forms of "Your data": both ask for the password again, so that a session left
open on a shared computer can neither take the buyer's data away nor erase them."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length

from mall.accounts.passwords import MAX_PASSWORD_LENGTH
from mall.forms import MallForm
from mall.i18n import lazy_translate as _l


def _password() -> PasswordField:
    return PasswordField(
        _l("Your password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )


class ExportForm(MallForm):
    password = _password()


class EraseForm(MallForm):
    password = _password()
    confirm = BooleanField(
        _l("I understand: my account, addresses, cart and sign-ins are deleted for good; my "
           "orders are kept without my name, address or email."),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )
