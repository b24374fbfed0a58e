"""Names people read for onboarding's enumerations (the `label` template filter)."""

from __future__ import annotations

import enum

from flask_babel.speaklater import LazyString

from mall.i18n import lazy_translate as _l
from mall.onboarding.models import ApplicationStatus, EventKind

LABELS: dict[enum.Enum, LazyString] = {
    ApplicationStatus.SUBMITTED: _l("Waiting for review"),
    ApplicationStatus.INFO_REQUESTED: _l("More information asked"),
    ApplicationStatus.APPROVED: _l("Approved"),
    ApplicationStatus.REJECTED: _l("Not approved"),
    EventKind.SUBMITTED: _l("Application sent"),
    EventKind.QUESTION: _l("Question from the operator"),
    EventKind.ANSWER: _l("Answer"),
    EventKind.APPROVED: _l("Approved"),
    EventKind.REJECTED: _l("Not approved"),
}
