"""Every word in the reader's language: countries named by CLDR, a post's texts in the
reader's language when the post wrote one, marked and noted when it did not; numbers in
text written the reader's way; and the language a page speaks chosen for an international
buyer — their choice, then their browser's, then the storefront's own."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mall.catalogue.search import SearchQuery, rebuild_index, search_issues
from mall.extensions import db
from tests.support.hosts import PORTAL, storefront

UG = storefront("ug")


@pytest.fixture
def uganda(make_post, make_issue, make_product):
    ug = make_post("ug", currency="UGX", default_locale="en", locales=["en"],
                   name={"en": "Posta Uganda"}, country_name={"en": "Uganda"},
                   shop_name={"en": "Uganda Philatelic Bureau"})
    butterflies = make_issue(ug, slug="butterflies",
                             title={"en": "Butterflies of Uganda", "fr": "Papillons d'Ouganda"},
                             description={"en": "Swallowtails.", "fr": "Des porte-queue."},
                             print_run=12500, issue_date=date(2024, 1, 1))
    orchids = make_issue(ug, slug="orchids", title={"en": "Orchids of Uganda"},
                         description={"en": "Epiphytic orchids."}, print_run=30000)
    for issue in (butterflies, orchids):
        make_product(issue, price_minor=4000)
    rebuild_index(db.session)
    db.session.commit()
    return ug


def _page(client, url: str, language: str = "fr") -> str:
    return client.get(url, headers={"Accept-Language": language}).get_data(as_text=True)


def test_a_french_reader_gets_the_posts_french_text_without_a_note(client, uganda):
    page = _page(client, UG + "/issues/butterflies")
    assert '<html lang="fr"' in page
    assert "<h1>Papillons d&#39;Ouganda</h1>" in page
    assert "Des porte-queue." in page
    assert "translation-note" not in page
    assert "Tirage" in page
    assert "12\u202f500" in page


def test_an_untranslated_text_is_marked_with_its_language_and_noted(client, uganda):
    page = _page(client, UG + "/issues/orchids")
    assert '<h1><span lang="en">Orchids of Uganda</span></h1>' in page
    assert '<div class="description" lang="en">' in page
    note = re.search(r'<p class="hint translation-note">(.*?)</p>', page).group(1)
    assert "anglais" in note
    assert "français" in note
    assert "30\u202f000" in page


def test_listing_cards_mark_a_title_in_another_language(client, uganda):
    page = _page(client, UG + "/catalogue")
    assert '<h3 lang="en">Orchids of Uganda</h3>' in page
    assert "<h3>Papillons d&#39;Ouganda</h3>" in page


@pytest.mark.parametrize(("language", "name"), [("fr", "Ouganda"), ("es", "Uganda"),
                                                 ("nl", "Oeganda")])
def test_country_names_come_from_cldr_in_the_readers_language(client, uganda, language, name):
    page = _page(client, PORTAL + "/", language)
    assert f'<span class="post-country">{name}</span>' in page


def test_a_country_is_found_by_its_name_in_any_language(uganda):
    for words in ("ouganda", "oeganda", "uganda"):
        found = search_issues(db.session, SearchQuery(words=words)).items
        assert sorted(issue.slug for issue in found) == ["butterflies", "orchids"], words


# -- Which language a page speaks -----------------------------------------------------------


@pytest.fixture
def uruguay(make_post):
    return make_post("uy")


def _lang(client, url: str, accept: str | None = None) -> str:
    headers = {"Accept-Language": accept} if accept else {}
    page = client.get(url, headers=headers).get_data(as_text=True)
    return re.search(r'<html lang="([^"]+)"', page).group(1)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "es"),  # no browser language (a crawler): the storefront's own
        ("de-DE,de;q=0.9", "es"),  # a language the mall does not offer: the storefront's
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),  # the browser's first offered language
        ("de-DE,nl;q=0.8,en;q=0.5", "nl"),  # the first *offered* one, in order
        ("en-GB", "en"),
    ],
)
def test_the_browser_language_comes_before_the_storefronts(client, uruguay, accept, expected):
    assert _lang(client, storefront("uy") + "/", accept) == expected


def test_an_explicit_choice_comes_before_the_browser(client, uruguay):
    client.get(storefront("uy") + "/language/nl?next=/")
    assert _lang(client, storefront("uy") + "/", "fr-FR,fr") == "nl"


# -- Numbers inside text --------------------------------------------------------------------


ENGLISH_THOUSANDS = re.compile(r"\b\d{1,3},\d{3}\b")
#: An element marked as written in another language (a post's untranslated text): its
#: numbers are written as that language writes them.
OTHER_LANGUAGE = re.compile(r'<(\w+)[^>]*\slang="(?!fr)[^"]*"[^>]*>.*?</\1>', re.S)


def test_no_french_text_of_the_demo_writes_english_thousands(client):
    from sqlalchemy import select

    from mall.catalogue.models import Issue
    from mall.demo.seed import seed
    from mall.posts.models import Post

    seed(db.session)
    db.session.commit()
    client.get(PORTAL + "/language/fr?next=/")
    for post in db.session.scalars(select(Post).where(Post.code.in_(["uy", "ug", "nl"]))):
        base = storefront(post.code)
        client.get(base + "/language/fr?next=/")
        slugs = db.session.scalars(select(Issue.slug).where(
            Issue.post_id == post.id, Issue.published_at.is_not(None)).limit(15)).all()
        for url in [base + "/", base + "/catalogue", *(f"{base}/issues/{s}" for s in slugs)]:
            french = OTHER_LANGUAGE.sub(" ", client.get(url).get_data(as_text=True))
            text = re.sub(r"<[^>]+>", " ", french)
            assert not ENGLISH_THOUSANDS.findall(text), url


@pytest.mark.parametrize(
    ("code", "currency", "language", "add_to_cart"),
    [("tz", "TZS", "sw", "Ongeza kwenye kikapu"), ("kh", "KHR", "km", "បន្ថែមទៅកន្ត្រកទំនិញ")],
)
def test_swahili_and_khmer_storefronts_speak_their_language_in_menus_and_buttons(
        client, make_post, make_issue, make_product, code, currency, language, add_to_cart):
    post = make_post(code, currency=currency, default_locale=language,
                     locales=[language, "en"], name={language: code.upper()},
                     country_name={language: code.upper()})
    make_product(make_issue(post, slug="first", title={language: "1"}))
    page = client.get(storefront(code) + "/issues/first").get_data(as_text=True)
    assert f'<html lang="{language}"' in page
    assert add_to_cart in page
    assert "Add to cart" not in page
