"""The forms of the alerts pages."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from mall.alerts.models import Frequency
from mall.forms import MallForm
from mall.i18n import lazy_translate as _l

FREQUENCY_LABELS = {
    Frequency.IMMEDIATELY: _l("Mail me at once, for each new issue"),
    Frequency.DAILY: _l("One mail a day with the day's new issues"),
}


class FollowForm(MallForm):
    frequency = RadioField(
        _l("How often"), default=Frequency.IMMEDIATELY.value,
        choices=[SelectChoice(frequency.value, label)
                 for frequency, label in FREQUENCY_LABELS.items()])


class ConfirmForm(MallForm):
    """A button and its token: unfollowing, stopping every alert."""
