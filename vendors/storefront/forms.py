"""Forms a storefront visitor fills in."""

from __future__ import annotations

from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from mall.forms import MallForm
from mall.i18n import lazy_translate as _l


class ContactForm(MallForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    message = TextAreaField(
        _l("Message"), validators=[DataRequired(), Length(min=10, max=5000)]
    )
