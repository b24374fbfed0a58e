"""Back-office forms: what a clerk types at the packing table."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

STRIP = [lambda value: value.strip() if isinstance(value, str) else value]


class ActionForm(FlaskForm):
    """A button that changes one thing (pack, mark delivered): its CSRF token is all it has."""


class ShipForm(FlaskForm):
    tracking_number = StringField(
        _l("Tracking number (S10)"),
        filters=STRIP,
        validators=[Optional(), Length(max=20)],
        description=_l("As on the label, e.g. RA473124829UY. Leave empty to issue the next "
                       "number from your ranges."),
    )


class TrackingRangeForm(FlaskForm):
    service = StringField(_l("Service indicator"), filters=STRIP,
                          validators=[InputRequired(), Length(min=2, max=2)],
                          description=_l("Two letters: R… registered, E… EMS, C… or V… "
                                         "parcels, L… or U… letters."))
    first = IntegerField(_l("First serial"), validators=[InputRequired(),
                                                         NumberRange(0, 99_999_999)])
    last = IntegerField(_l("Last serial"), validators=[InputRequired(),
                                                       NumberRange(0, 99_999_999)])


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your answer"), filters=STRIP,
                         validators=[InputRequired(), Length(min=2, max=10_000)])
