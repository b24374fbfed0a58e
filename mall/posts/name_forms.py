"""Registering a name, as the operator's desk and a post's back office ask for it: the form,
and what a person reads when a name is refused."""

from __future__ import annotations

from flask_babel import LazyString
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from mall.forms import MallForm
from mall.i18n import lazy_translate as _l
from mall.posts.names import Refusal

REFUSALS: dict[Refusal, LazyString] = {
    Refusal.NOT_VERIFIED: _l("Only a verified post registers names."),
    Refusal.INVALID: _l("A name is 3 to 63 letters, digits and hyphens (not at either end, "
                        "never two together), for example africaphilatelyshop."),
    Refusal.PROTECTED: _l("This name is protected for the whole postal community and is "
                          "never given out."),
    Refusal.OTHER_COUNTRY: _l("stamps.<country> names belong to the verified post of that "
                              "country only."),
    Refusal.TAKEN: _l("This name is already registered."),
    Refusal.STOREFRONT_NAME: _l("The post's stamps.<country> name stays with it."),
}


def refusal_message(refusal: Refusal) -> str:
    return str(REFUSALS[refusal])


class NameForm(MallForm):
    """An extra name for a post's storefront, as a person types it."""

    name = StringField(_l("Name under .post"), validators=[DataRequired(), Length(max=80)],
                       filters=[lambda value: value.strip() if isinstance(value, str) else value])
