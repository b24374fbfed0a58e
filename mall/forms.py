"""The base of every form in the mall: whatever a person types passes one check before any
form's own validators see it.

Text with a NUL or another control character is refused with a message on the field: no
database stores NUL in text (PostgreSQL refuses it mid-transaction, a 500), and such
characters only ever come from tampering or broken clients. Multi-line fields keep tabs and
line breaks."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from typing import Any

from babel.support import Translations
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Form, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation
from wtforms.widgets import Input, Select
from wtforms.widgets.core import clean_key
from wtforms.widgets.core import html_params as wtforms_html_params

from mall.i18n import lazy_translate as _l

#: Tab, line feed and carriage return: the control characters a text area may hold.
_MULTILINE = {"\t", "\n", "\r"}


def _has_control(text: str, allowed: set[str]) -> bool:
    return any((ord(c) < 32 or 127 <= ord(c) < 160) and c not in allowed for c in text)


class PlainText:
    """Refuses control characters (all of them on one line; text areas keep tab and breaks)."""

    def __init__(self, multiline: bool) -> None:
        self.allowed = _MULTILINE if multiline else set()

    def __call__(self, _form: Any, field: Any) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(isinstance(v, str) and _has_control(v, self.allowed) for v in values):
            raise StopValidation(str(_l("This field holds invisible control characters: "
                                        "please type it again.")))


class Menu(list[SelectChoice]):
    """A menu's choices, made of (value, label) pairs and the same for every request of a
    worker (the search form's countries and themes, `mall.memo`), whose options are drawn
    once: a request marks the chosen one instead of escaping every label again."""

    __slots__ = ("_drawn",)

    def __init__(self, choices: Iterable[tuple[str, str]]) -> None:
        super().__init__(SelectChoice(value, label) for value, label in choices)
        self._drawn: list[tuple[str, str, str]] | None = None

    def options(self, chosen: object) -> str:
        """Every option's markup, the one whose value is `chosen` selected."""
        if self._drawn is None:
            self._drawn = [(choice.value, _option(choice.value, choice.label, ""),
                            _option(choice.value, choice.label, "selected "))
                           for choice in self]
        return "".join(selected if value == chosen else plain
                       for value, plain, selected in self._drawn)


def _option(value: str, label: str, selected: str) -> str:
    return f'<option {selected}value="{escape(value)}">{escape(label or value)}</option>'


def quick_html_params(**kwargs: Any) -> Markup:
    """WTForms' `html_params`, the same markup written with an f-string: WTForms formats each
    attribute through `Markup.format` (Python's `string.Formatter`, some 10 µs an attribute),
    and a search page's form writes some sixty."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = clean_key(key)
        if value is True:
            params.append(key)
        elif value is not False:  # a Markup value is not escaped again, but its quotes are
            quoted = str(escape(value)).replace('"', "&quot;")
            params.append(f'{escape(key)}="{quoted}"')
    return Markup(" ".join(params))  # noqa: S704 - every key and value escaped above


class QuickLabel(Label):
    """WTForms' `<label>`, its `for` written by `quick_html_params`."""

    def __call__(self, text: str | None = None, **kwargs: Any) -> Markup:
        if "for_" in kwargs:
            kwargs["for"] = kwargs.pop("for_")
        else:
            kwargs.setdefault("for", self.field_id)
        attributes = quick_html_params(**kwargs)
        space = " " if attributes else ""
        return Markup(  # noqa: S704 - attributes and text escaped
            f"<label{space}{attributes}>{escape(text or self.text)}</label>")


@functools.cache
def _quick_input(widget: Input) -> Input:
    """A copy of a field's `<input>` widget writing its attributes by `quick_html_params`;
    one per widget, which WTForms shares between every form of a field's class."""
    quick = copy.copy(widget)
    quick.html_params = quick_html_params
    return quick


class QuickSelect(Select):
    """WTForms' `<select>`, with its plain options written directly: WTForms builds each
    option's attributes through its generic `html_params` (some 20 µs an option), and the
    search's and checkout's menus hold from forty to two hundred and fifty options. The
    same markup; an option with attributes of its own still goes through WTForms, and a
    `Menu`'s options are drawn once."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        if not isinstance(field.choices, Menu) or field.coerce is not str:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = field.flags
        for name in self.validation_attrs:
            if name not in kwargs and name in dir(flags):
                kwargs[name] = getattr(flags, name)
        return Markup(  # noqa: S704 - the options are escaped as they are drawn
            f"<select {quick_html_params(name=field.name, **kwargs)}>"
            f"{field.choices.options(field.data)}</select>")

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        return Markup(_option(str(choice.value), choice.label, selected))  # noqa: S704 - escaped


_QUICK_SELECT = QuickSelect()


def _mall_field(field: Any) -> Any:
    """Every field as bound to a form: text refused with control characters; its label,
    inputs and menus drawn by the quick widgets above."""
    if isinstance(field, StringField):
        # A new list: the unbound field's validators are shared by every form instance.
        field.validators = [PlainText(isinstance(field, TextAreaField)), *field.validators]
    if type(field.widget) is Select and not field.widget.multiple:
        field.widget = _QUICK_SELECT
    elif isinstance(field.widget, Input) and field.widget.html_params is wtforms_html_params:
        field.widget = _quick_input(field.widget)
    if type(field.label) is Label:
        field.label = QuickLabel(field.label.field_id, field.label.text)
    return field


@functools.lru_cache(maxsize=64)
def _wtforms_catalogue(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid choice.") in the page's language. Flask-WTF reads
    the language's catalogue from its file again in every request that builds a form (2 % of
    placing an order); a worker reads each language's once."""

    def gettext(self, string: str) -> str:
        locale = get_locale()
        return string if locale is None else _wtforms_catalogue(str(locale)).gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        locale = get_locale()
        if locale is None:
            return singular if n == 1 else plural
        return _wtforms_catalogue(str(locale)).ngettext(singular, plural, n)


_WTFORMS_MESSAGES = _WTFormsMessages()


class MallForm(FlaskForm):
    """Every POSTed form: CSRF (Flask-WTF) and plain text in every text field."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            return _mall_field(super().bind_field(form, unbound_field, options))

        def get_translations(self, form: Any) -> _WTFormsMessages:
            return _WTFORMS_MESSAGES


class MallQueryForm(Form):
    """Every GET form (search): plain text in every text field, no CSRF."""

    class Meta(Form.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            return _mall_field(super().bind_field(form, unbound_field, options))

        def get_translations(self, form: Any) -> _WTFormsMessages:
            return _WTFORMS_MESSAGES
