"""The quick widgets (`QuickSelect`, `QuickLabel`, the inputs' `quick_html_params`) write
exactly the markup WTForms' own write, faster."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import (
    BooleanField,
    Form,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label
from wtforms.widgets import Select, html_params

from mall.forms import MallForm, MallQueryForm, Menu, QuickLabel, QuickSelect, quick_html_params

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(choices=st.lists(st.tuples(texts, texts), min_size=1, max_size=6,
                        unique_by=lambda choice: choice[0]),
       pick=st.integers(min_value=0, max_value=5))
def test_the_same_markup_as_wtforms(choices, pick):
    class Menu(Form):
        menu = SelectField(choices=[SelectChoice(value, label) for value, label in choices],
                           default=choices[pick % len(choices)][0])

    field = Menu().menu
    assert QuickSelect()(field) == Select()(field)


def test_options_with_attributes_of_their_own_are_drawn_by_wtforms():
    class Menu(Form):
        menu = SelectField(choices=[SelectChoice("a", "A", {"disabled": True}),
                                    SelectChoice("b", "B")])

    field = Menu().menu
    assert QuickSelect()(field) == Select()(field)
    assert "disabled" in QuickSelect()(field)


def test_every_form_of_the_mall_draws_its_menus_with_it():
    class Search(MallQueryForm):
        menu = SelectField(choices=[SelectChoice("a", "A")])

    assert isinstance(Search().menu.widget, QuickSelect)


@given(choices=st.lists(st.tuples(texts, texts), min_size=1, max_size=6,
                        unique_by=lambda choice: choice[0]),
       pick=st.integers(min_value=0, max_value=6), draws=st.integers(min_value=1, max_value=3))
def test_a_menu_drawn_once_writes_the_same_markup_each_time(choices, pick, draws):
    menu = Menu(choices)
    chosen = choices[pick][0] if pick < len(choices) else "not a choice"

    class Form_(Form):
        menu_field = SelectField(choices=menu, default=chosen)
        plain_field = SelectField(choices=[SelectChoice(value, label) for value, label in choices],
                                  default=chosen)

    form = Form_()
    for _ in range(draws):
        assert QuickSelect()(form.menu_field) == Select()(form.plain_field).replace(
            "plain_field", "menu_field")


attribute_names = st.sampled_from(["id", "name", "class_", "for_", "data_x_y", "aria_label",
                                   "size", "placeholder", "value"])
attribute_values = st.one_of(st.booleans(), texts, texts.map(Markup), st.integers())


@given(attributes=st.dictionaries(attribute_names, attribute_values, max_size=6))
@example(attributes={"value": Markup('say "hi" <b>'), "class_": 'a"b', "data_x_y": True})
def test_attributes_are_written_as_wtforms_writes_them(attributes):
    assert quick_html_params(**attributes) == html_params(**attributes)


@given(field_id=texts, text=texts, other=st.one_of(st.none(), texts),
       attributes=st.dictionaries(attribute_names, attribute_values, max_size=3))
def test_a_label_as_wtforms_writes_it(field_id, text, other, attributes):
    assert (QuickLabel(field_id, text)(other, **attributes)
            == Label(field_id, text)(other, **attributes))


class _Fields:
    words = StringField("Words <b>")
    count = IntegerField("Count")
    secret = PasswordField("Secret")
    note = TextAreaField("Note")
    flag = BooleanField("Flag")


class _Plain(_Fields, Form):
    pass


class _Query(_Fields, MallQueryForm):
    pass


class _Posted(_Fields, MallForm):
    class Meta:
        csrf = False


#: What a template may pass when it draws a field (WTForms writes the name itself).
field_attributes = st.dictionaries(attribute_names.filter(lambda name: name != "name"),
                                   attribute_values, max_size=3)


@given(words=texts, count=st.integers(), flag=st.booleans(), attributes=field_attributes)
def test_every_mall_form_writes_its_labels_and_inputs_as_wtforms(words, count, flag,
                                                                 attributes):
    from werkzeug.datastructures import MultiDict

    data = MultiDict({"words": words, "count": str(count), "note": words,
                      **({"flag": "y"} if flag else {})})
    plain = _Plain(data)
    for quick in (_Query(data), _Posted(data)):
        for name in ("words", "count", "secret", "note", "flag"):
            assert quick[name](**attributes) == plain[name](**attributes)
            assert quick[name].label() == plain[name].label()
            assert str(quick[name].label) == str(plain[name].label)


def test_the_mall_forms_draw_with_the_quick_widgets():
    form = _Query()
    assert isinstance(form.words.label, QuickLabel)
    assert form.words.widget.html_params is quick_html_params
    assert form.flag.widget.html_params is quick_html_params
    assert _Plain().words.widget.html_params is html_params  # WTForms' own left as they are
