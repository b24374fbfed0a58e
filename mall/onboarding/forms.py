"""The apply form, the applicant's answer, and the operator's decisions.

Documents are checked by their content (`mall.media.documents`) while the form validates,
so a refused file is an error on the documents field like any other, and the view gets the
checked files in `form.checked`."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from flask import current_app
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Regexp

from mall.forms import MallForm
from mall.i18n import lazy_translate as _l
from mall.media.documents import CheckedDocument, DocumentRefused, check_document
from mall.onboarding.countries import country_choices

STRIP = [lambda value: value.strip() if isinstance(value, str) else value]
#: A form's one-time key: `uuid4().hex`, drawn with the page.
KEY_PATTERN = r"[0-9a-f]{32}"
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{4,38}")


def new_key() -> str:
    return uuid4().hex


class DocumentsForm(MallForm):
    """A form with documents: at most DOCUMENTS_PER_FORM, each a PDF, PNG or JPEG of at most
    DOCUMENT_MAX_BYTES; `documents_required` says whether at least one must come."""

    documents_required = False
    documents = MultipleFileField(_l("Documents (PDF, PNG or JPEG; 5 MB at most each)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked: list[CheckedDocument] = []

    def validate_documents(self, field: Any) -> None:
        files = [item for item in (field.data or [])
                 if isinstance(item, FileStorage) and item.filename]
        limit = int(current_app.config["DOCUMENTS_PER_FORM"])
        if not files and self.documents_required:
            field.errors.append(_("Add at least one document that shows your designation."))
            return
        if len(files) > limit:
            field.errors.append(ngettext("Send at most %(num)d document at once.",
                                         "Send at most %(num)d documents at once.", limit))
            return
        max_bytes = int(current_app.config["DOCUMENT_MAX_BYTES"])
        for upload in files:
            try:
                self.checked.append(
                    check_document(upload.stream.read(max_bytes + 1), upload.filename or "",
                                   max_bytes)
                )
            except DocumentRefused as refused:
                field.errors.append(str(refused.message))


class ApplicationForm(DocumentsForm):
    documents_required = True

    key = HiddenField(validators=[InputRequired(), Regexp(KEY_PATTERN)])
    organisation = StringField(
        _l("Organisation"), validators=[DataRequired(), Length(max=200)], filters=STRIP,
        description=_l("The postal operator's full name, as in its designation."),
    )
    country = SelectField(_l("Country"), validators=[DataRequired()], default="")
    designated_operator = BooleanField(
        _l("Our organisation is the designated postal operator of this country."),
        validators=[DataRequired(_l("Only a country's designated postal operator may sell "
                                    "its stamps here: confirm that yours is."))],
    )
    statement = TextAreaField(
        _l("Designation"), validators=[DataRequired(), Length(max=4000)], filters=STRIP,
        description=_l("The law, decree or UPU record that designates your organisation, "
                       "and since when."),
    )
    contact_name = StringField(_l("Contact person"),
                               validators=[DataRequired(), Length(max=120)], filters=STRIP)
    contact_email = EmailField(
        _l("Contact email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=STRIP,
    )
    contact_phone = StringField(
        _l("Contact phone"),
        validators=[DataRequired(), Length(max=40),
                    Regexp(_PHONE, message=_l("Write the phone number in digits, for "
                                              "example +351 21 047 1616."))],
        filters=STRIP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _("Choose…"))] + country_choices(str(get_locale() or "en"))


class AnswerForm(DocumentsForm):
    answer = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=4000)],
                           filters=STRIP)


class DecisionForm(MallForm):
    """Approve: nothing to say but yes; the key makes a replayed click one decision."""

    key = HiddenField(validators=[InputRequired(), Regexp(KEY_PATTERN)])


class RejectForm(DecisionForm):
    reasons = TextAreaField(
        _l("Reasons"), validators=[DataRequired(), Length(max=4000)], filters=STRIP,
        description=_l("The applicant reads them in the mail and on their application's page."),
    )


class AskForm(DecisionForm):
    question = TextAreaField(
        _l("Question"), validators=[DataRequired(), Length(max=4000)], filters=STRIP,
        description=_l("The applicant answers on their application's page, with documents "
                       "if needed."),
    )


class InviteForm(MallForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)], filters=STRIP)
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=STRIP,
    )
