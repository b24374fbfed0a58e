"""Account forms. Choices that depend on the page's language (country names) or on the
database (currencies with a rate) are filled in by the view."""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    PasswordField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from mall.accounts.passwords import MAX_PASSWORD_LENGTH, password_problems
from mall.forms import MallForm
from mall.i18n import LANGUAGE_NAMES
from mall.i18n import lazy_translate as _l

#: Trims what was typed: "  Montevideo " is stored as "Montevideo".
STRIP = [lambda value: value.strip() if isinstance(value, str) else value]

#: Codes CLDR lists among territories that are not countries one lives or ships in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


def country_choices(blank: str | None = None) -> list[tuple[str, str]]:
    """(ISO code, name in the page's language), sorted by name."""
    locale = Locale.parse(str(get_locale() or "en"))
    names = [
        (code, name)
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    names.sort(key=lambda item: item[1].casefold())
    return ([("", blank)] if blank is not None else []) + names


def locale_choices() -> list[tuple[str, str]]:
    automatic = _("Automatic (the shop's or your browser's language)")
    return [("", automatic)] + [
        (code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["SUPPORTED_LOCALES"]
    ]


def _email_field(label: Any = None) -> EmailField:
    return EmailField(
        label or _l("Email address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=STRIP,
    )


def _new_password_field(label: Any) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


class _NewPassword:
    """Applies the password policy to `password`, knowing the account's email."""

    password: Field

    def account_email(self) -> str:
        return ""

    def validate_password(self, field: Field) -> None:
        problems = password_problems(field.data or "", self.account_email())
        if problems:
            raise ValidationError(" ".join(problems))


class RegisterForm(_NewPassword, MallForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=120)], filters=STRIP
    )
    email = _email_field()
    password = _new_password_field(_l("Password"))
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    remember = BooleanField(_l("Keep me signed in for 30 days"))

    def account_email(self) -> str:
        return self.email.data or ""


class SignInForm(MallForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember = BooleanField(_l("Keep me signed in for 30 days"))


class ResetRequestForm(MallForm):
    email = _email_field()


class ResetPasswordForm(_NewPassword, MallForm):
    password = _new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email = email

    def account_email(self) -> str:
        return self._email


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )


class ProfileForm(MallForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=120)], filters=STRIP
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    preferred_locale = SelectField(_l("Language"), validators=[Optional()])
    preferred_currency = SelectField(_l("Show prices in"), validators=[Optional()])


def _text(label: Any, max_length: int, required: bool = False) -> StringField:
    first = DataRequired() if required else Optional()
    return StringField(label, validators=[first, Length(max=max_length)], filters=STRIP)


class AddressForm(MallForm):
    name = _text(_l("Name on the envelope"), 120, required=True)
    line1 = _text(_l("Address"), 200, required=True)
    line2 = _text(_l("Address (continued)"), 200)
    city = _text(_l("City or town"), 120, required=True)
    postal_code = StringField(
        _l("Postal code"),
        validators=[
            Optional(),
            Length(max=20),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9 -]*$",
                message=_l("Use letters, digits, spaces and dashes only."),
            ),
        ],
        filters=STRIP,
    )
    region = _text(_l("State, province or region"), 120)
    country = SelectField(_l("Country"), validators=[DataRequired()])
    phone = TelField(
        _l("Phone (for the carrier)"),
        validators=[
            Optional(),
            Length(max=32),
            Regexp(
                r"^\+?[0-9][0-9 ()./-]{3,31}$",
                message=_l("Use digits, spaces and + ( ) - . / only."),
            ),
        ],
        filters=STRIP,
    )
