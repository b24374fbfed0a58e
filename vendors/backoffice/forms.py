"""Back-office forms: what a clerk types at the packing table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from mall.catalogue.labels import label
from mall.catalogue.models import Condition, ProductFormat, StockReason
from mall.forms import MallForm
from mall.i18n import language_name
from mall.i18n import lazy_translate as _l
from mall.operator.models import StaffRole

STRIP = [lambda value: value.strip() if isinstance(value, str) else value]


class ActionForm(MallForm):
    """A button that changes one thing (pack, mark delivered): its CSRF token is all it has."""


class ShipForm(MallForm):
    tracking_number = StringField(
        _l("Tracking number (S10)"),
        filters=STRIP,
        validators=[Optional(), Length(max=20)],
        description=_l("As on the label, e.g. RA473124829UY. Leave empty to issue the next "
                       "number from your ranges."),
    )


class TrackingRangeForm(MallForm):
    service = StringField(_l("Service indicator"), filters=STRIP,
                          validators=[InputRequired(), Length(min=2, max=2)],
                          description=_l("Two letters: R… registered, E… EMS, C… or V… "
                                         "parcels, L… or U… letters."))
    first = IntegerField(_l("First serial"), validators=[InputRequired(),
                                                         NumberRange(0, 99_999_999)])
    last = IntegerField(_l("Last serial"), validators=[InputRequired(),
                                                       NumberRange(0, 99_999_999)])


class InviteForm(MallForm):
    name = StringField(_l("Name"), filters=STRIP, validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("Email address"), filters=STRIP,
                       validators=[InputRequired(), Email(check_deliverability=False),
                                   Length(max=254)])
    role = SelectField(_l("Role"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [
            (StaffRole.POST_CLERK.value, _l("Clerk: catalogue, stock, orders, messages")),
            (StaffRole.POST_MANAGER.value, _l("Manager: everything, staff and settings too")),
        ]


class ReplyForm(MallForm):
    body = TextAreaField(_l("Your answer"), filters=STRIP,
                         validators=[InputRequired(), Length(min=2, max=10_000)])


def issue_form(locales: list[str], theme_choices: list[tuple[str, str]], **kwargs: Any) -> Any:
    """The issue form for a post that writes in `locales`: a title and a description field
    per language, so every translation is typed where it belongs."""

    class IssueForm(MallForm):
        slug = StringField(_l("Address (slug)"), filters=STRIP,
                           validators=[InputRequired(), Length(max=120)],
                           description=_l("Part of the issue's web address, e.g. "
                                          "birds-of-the-wetlands."))
        issue_date = DateField(_l("Issue date"), validators=[InputRequired()])
        wns_numbers = StringField(_l("WNS numbers"), filters=STRIP,
                                  validators=[Optional(), Length(max=400)],
                                  description=_l("Separated by commas, e.g. UY003.18, UY004.18."))
        themes = SelectMultipleField(_l("Themes"), validators=[Optional()])
        designer = StringField(_l("Designer"), filters=STRIP, validators=[Length(max=200)])
        printer = StringField(_l("Printer"), filters=STRIP, validators=[Length(max=200)])
        printing_process = StringField(_l("Printing process"), filters=STRIP,
                                       validators=[Length(max=80)])
        perforation = StringField(_l("Perforation"), filters=STRIP, validators=[Length(max=40)])
        print_run = IntegerField(_l("Print run"), validators=[Optional(),
                                                             NumberRange(1, 2_000_000_000)])

    per_language(IssueForm, {code: language_name(code) for code in locales}, [
        ("title", StringField, lambda name: _l("Title (%(language)s)", language=name), 200),
        ("description", TextAreaField,
         lambda name: _l("Description (%(language)s)", language=name), 10_000),
    ])
    form = IssueForm(**kwargs)
    form.themes.choices = theme_choices
    return form


class ProductForm(MallForm):
    sku = StringField(_l("SKU"), filters=STRIP, validators=[InputRequired(), Length(max=40)])
    format = SelectField(_l("Format"))
    condition = SelectField(_l("Condition"))
    price = StringField(_l("Price"), filters=STRIP, validators=[InputRequired(), Length(max=20)])
    face_value = StringField(_l("Face value"), filters=STRIP, validators=[Length(max=80)],
                             description=_l("As printed on the stamps, e.g. $ 45 or 4 × 0.95 €."))
    weight_g = IntegerField(_l("Weight with packing (g)"),
                            validators=[InputRequired(), NumberRange(1, 30_000)])
    hs_code = SelectField(_l("Customs tariff (HS)"), validators=[Optional()])
    position = IntegerField(_l("Order on the page"), default=0,
                            validators=[Optional(), NumberRange(0, 1000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices are built per request, so labels follow the reader's language.
        self.format.choices = [(m.value, label(m)) for m in ProductFormat]
        self.condition.choices = [(m.value, label(m)) for m in Condition]
        self.hs_code.choices = [
            ("", _l("From the condition")),
            ("4907", _l("4907 — unused stamps")),
            ("9704", _l("9704 — used stamps, covers, collectors' pieces")),
        ]


class StockForm(MallForm):
    delta = IntegerField(_l("Change"), validators=[InputRequired(),
                                                   NumberRange(-1_000_000, 1_000_000)],
                         description=_l("Positive to add (received), negative to take away."))
    reason = SelectField(_l("Reason"))
    note = StringField(_l("Note"), filters=STRIP, validators=[Length(max=300)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = [(reason.value, label(reason)) for reason in StockReason]



def settings_form(languages: dict[str, str], **kwargs: Any) -> Any:
    """The storefront's settings, with a name and a slogan field per language it may use."""

    class SettingsForm(MallForm):
        locales = SelectMultipleField(_l("Languages of the shop"), validators=[InputRequired()])
        default_locale = SelectField(_l("Default language"))
        primary_color = StringField(_l("Main colour"), filters=STRIP,
                                    validators=[InputRequired(), Length(max=7)])
        accent_color = StringField(_l("Accent colour"), filters=STRIP,
                                   validators=[InputRequired(), Length(max=7)])
        email = EmailField(_l("Contact email"), filters=STRIP,
                           validators=[Optional(), Email(check_deliverability=False),
                                       Length(max=254)])
        phone = StringField(_l("Telephone"), filters=STRIP, validators=[Length(max=40)])
        address = TextAreaField(_l("Postal address"), filters=STRIP,
                                validators=[Length(max=400)])

    per_language(SettingsForm, languages, [
        ("shop_name", StringField,
         lambda name: _l("Shop name (%(language)s)", language=name), 120),
        ("tagline", StringField, lambda name: _l("Slogan (%(language)s)", language=name), 200),
    ])
    form = SettingsForm(**kwargs)
    form.locales.choices = list(languages.items())
    form.default_locale.choices = list(languages.items())
    return form


class ImportForm(MallForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])


class PictureForm(MallForm):
    picture = FileField(_l("Picture (JPEG, PNG or WebP)"), validators=[FileRequired()])


def page_form(locales: dict[str, str], **kwargs: Any) -> Any:
    """One of the shop's pages (history, about, FAQ): a title and a Markdown body per
    language."""

    class PageForm(MallForm):
        pass

    per_language(PageForm, locales, TITLE_AND_TEXT)
    return PageForm(**kwargs)


def news_form(locales: dict[str, str], **kwargs: Any) -> Any:
    class NewsForm(MallForm):
        slug = StringField(_l("Address (slug)"), filters=STRIP,
                           validators=[InputRequired(), Length(max=120)])
        published_on = DateField(_l("Date"), validators=[InputRequired()])

    per_language(NewsForm, locales, TITLE_AND_TEXT)
    return NewsForm(**kwargs)


def per_language(
    form_class: Any,
    languages: dict[str, str],
    fields: list[tuple[str, type, Callable[[str], Any], int]],
) -> None:
    """Add `<name>_<code>` fields to `form_class` for each language {code: its name}: every
    translation is typed where it belongs, labelled with its language."""
    for code, language in languages.items():
        for name, field_class, label_for, max_length in fields:
            setattr(form_class, f"{name}_{code}", field_class(
                label_for(language), filters=STRIP, validators=[Length(max=max_length)]))


TITLE_AND_TEXT = [
    ("title", StringField, lambda name: _l("Title (%(language)s)", language=name), 200),
    ("body", TextAreaField, lambda name: _l(
        "Text in %(language)s (Markdown: ## for a heading, **bold**, [link](https://…))",
        language=name), 50_000),
]


class PayoutDetailsForm(MallForm):
    """Where the post is paid when the operator pays by bank transfer; checked with the
    banks' registries (`mall.settlement.bank`) by the view."""

    account_holder = StringField(_l("Account holder"), filters=STRIP,
                                 validators=[InputRequired(), Length(max=140)])
    account_number = StringField(_l("Account number"), filters=STRIP,
                                 validators=[InputRequired(), Length(max=60)])
    bic = StringField(_l("BIC (SWIFT code)"), filters=STRIP,
                      validators=[InputRequired(), Length(max=20)],
                      description=_l("8 or 11 characters, e.g. ABNANL2A."))

    def __init__(self, *args: Any, iban: bool, **kwargs: Any) -> None:
        """`iban`: whether banks in the post's country have IBANs."""
        super().__init__(*args, **kwargs)
        if iban:
            self.account_number.label.text = _l("IBAN")
            self.account_number.description = _l(
                "As on the bank's letter, e.g. NL91 ABNA 0417 1643 00: spaces are fine.")
