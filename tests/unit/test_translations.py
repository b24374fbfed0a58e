"""The catalogues as a reader meets them: complete, and plural forms in the right order
(Spanish and French have a third CLDR form for exact millions, between "one" and "other")."""

from __future__ import annotations

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from mall.config import ROOT


@pytest.mark.parametrize("language", ["es", "fr", "km", "nl", "pt", "sw"])
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
        ("sw", "Posta 1", "Posta 2"),
        ("pt", "1 correio", "2 correios"),
        ("km", "ប្រៃសណីយ៍ 1", "ប្រៃសណីយ៍ 2"),
    ],
)
def test_plural_forms_follow_the_count(app, language, one, two):
    with app.test_request_context(), force_locale(language):
        assert ngettext("%(num)d post", "%(num)d posts", 1) == one
        assert ngettext("%(num)d post", "%(num)d posts", 2) == two


def test_the_catalogues_hold_every_message_of_the_code():
    """`make i18n` was run after the last message was written: a message added without it
    would reach no catalogue, and the completeness test above could not see it missing."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    in_code = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_l": None,
                                                    "lazy_gettext": None},
        )
        if message
    }
    with (ROOT / "translations" / "messages.pot").open("rb") as pot:
        in_template = {message.id if isinstance(message.id, str) else message.id[0]
                       for message in read_po(pot) if message.id}
    assert sorted(in_code - in_template) == []
