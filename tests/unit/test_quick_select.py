"""`QuickSelect` writes exactly the markup WTForms' own select writes, faster."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from mall.forms import MallQueryForm, Menu, QuickSelect

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
