"""The base of every form in the mall: whatever a person types passes one check before any
form's own validators see it.

Text with a NUL or another control character is refused with a message on the field: no
database stores NUL in text (PostgreSQL refuses it mid-transaction, a 500), and such
characters only ever come from tampering or broken clients. Multi-line fields keep tabs and
line breaks."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Form, StringField, TextAreaField
from wtforms.validators import StopValidation
from wtforms.widgets import Select

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


class QuickSelect(Select):
    """WTForms' `<select>`, with its plain options written directly: WTForms builds each
    option's attributes through its generic `html_params` (some 20 µs an option), and the
    search's and checkout's menus hold from forty to two hundred and fifty options. The
    same markup; an option with attributes of its own still goes through WTForms."""

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = escape(str(choice.value))
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{value}">{label}</option>')  # noqa: S704 - escaped


_QUICK_SELECT = QuickSelect()


def _with_plain_text(field: Any) -> Any:
    """Every field as bound to a form: text refused with control characters, menus drawn
    by `QuickSelect`."""
    if isinstance(field, StringField):
        # A new list: the unbound field's validators are shared by every form instance.
        field.validators = [PlainText(isinstance(field, TextAreaField)), *field.validators]
    elif type(field.widget) is Select and not field.widget.multiple:
        field.widget = _QUICK_SELECT
    return field


class MallForm(FlaskForm):
    """Every POSTed form: CSRF (Flask-WTF) and plain text in every text field."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            return _with_plain_text(super().bind_field(form, unbound_field, options))


class MallQueryForm(Form):
    """Every GET form (search): plain text in every text field, no CSRF."""

    class Meta(Form.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            return _with_plain_text(super().bind_field(form, unbound_field, options))
