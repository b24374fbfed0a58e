"""The catalogues as a reader meets them: complete, and plural forms in the right order
(Spanish and French have a third CLDR form for exact millions, between "one" and "other")."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from mall.config import ROOT


@pytest.mark.parametrize("language", ["es", "fr", "nl"])
def test_every_message_is_translated(language):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po)
    missing = [
        message.id for message in catalogue
        if message.id and (message.fuzzy or not all(
            message.string if isinstance(message.string, tuple) else [message.string]
        ))
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("es", "1 correo", "2 correos"),
        ("fr", "1 poste", "2 postes"),
        ("nl", "1 postbedrijf", "2 postbedrijven"),
    ],
)
def test_plural_forms_follow_the_count(app, language, one, two):
    with app.test_request_context(), force_locale(language):
        assert ngettext("%(num)d post", "%(num)d posts", 1) == one
        assert ngettext("%(num)d post", "%(num)d posts", 2) == two
