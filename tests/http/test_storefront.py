"""A storefront's pages through the test client, on the post's own host."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mall.content.models import ContactMessage, NewsItem, Page, PageKind
from mall.extensions import db
from tests.support.hosts import csrf_token, storefront

UY = storefront("uy")


@pytest.fixture
def uruguay(make_post, make_issue, make_product):
    post = make_post("uy", primary_color="#0038a8")
    issue = make_issue(
        post,
        slug="humedales",
        title={"es": "Humedales para nuestro futuro", "en": "Wetlands for our future"},
        description={"es": "Convención Ramsar.", "en": "The Ramsar Convention."},
        issue_date=date(2018, 10, 22),
        wns_numbers=["UY003.18"],
        designer="Carlos Menck",
        print_run=12000,
        themes=["birds"],
    )
    make_product(issue, sku="UY-2018-003", price_minor=1500, stock=3, face_value="$ 15")
    make_product(issue, sku="UY-2018-003-FDC", price_minor=24000, stock=0)
    return post


def test_home_shows_new_issues_in_the_posts_language(client, uruguay):
    html = client.get(UY + "/").get_data(as_text=True)
    assert 'lang="es"' in html
    assert "Humedales para nuestro futuro" in html
    assert "Correo verificado" in html


def test_issue_page_shows_wns_details_and_prices_in_pesos(client, uruguay):
    response = client.get(UY + "/issues/humedales")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "UY003.18" in html
    assert "Carlos Menck" in html
    assert "$\xa015,00" in html  # es_UY writes pesos with its own symbol
    assert "$\xa0240,00" in html
    assert "12.000" in html  # the print run, with Spanish grouping


def test_issue_page_in_english_shows_the_currency_code(client, uruguay):
    client.get(UY + "/language/en?next=/")
    html = client.get(UY + "/issues/humedales").get_data(as_text=True)
    assert "Wetlands for our future" in html
    assert "UYU\xa015.00" in html
    assert "Sold out" in html
    assert "Only 3 left" in html


def test_switching_to_french_shows_french_interface(client, uruguay):
    response = client.get(UY + "/language/fr?next=/issues/humedales", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert 'lang="fr"' in html
    assert "Épuisé" in html  # "Sold out"


def test_language_switch_refuses_to_redirect_off_the_host(client, uruguay):
    response = client.get(UY + "/language/fr?next=//evil.example/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_unknown_issue_is_a_404(client, uruguay):
    assert client.get(UY + "/issues/nope").status_code == 404


def test_another_posts_issue_is_not_found_on_this_storefront(
    client, uruguay, make_post, make_issue
):
    dutch = make_issue(make_post("nl"), slug="tulpen", title={"nl": "Tulpen"})
    assert client.get(UY + f"/issues/{dutch.slug}").status_code == 404
    assert client.get(storefront("nl") + "/issues/humedales").status_code == 404


def test_catalogue_filters_by_year(client, uruguay, make_issue):
    make_issue(uruguay, slug="carnaval", title={"es": "Carnaval"}, issue_date=date(2015, 2, 1))
    html = client.get(UY + "/catalogue?year=2015").get_data(as_text=True)
    assert "Carnaval" in html
    assert "Humedales" not in html


@pytest.mark.parametrize("year", ["99999", "0", "-5"])
def test_catalogue_refuses_impossible_years_with_a_reason(client, uruguay, year):
    response = client.get(UY + f"/catalogue?year={year}")
    assert response.status_code == 400
    assert "year" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/history", "/about", "/faq"])
def test_content_pages(client, uruguay, path):
    kind = PageKind(path.strip("/"))
    assert client.get(UY + path).status_code == 404
    db.session.add(Page(post_id=uruguay.id, kind=kind, title={"es": "Título"},
                        body={"es": "## Sección\n\nPrimer párrafo <b>sin</b> **marcas**.\n\n"
                                    "<script>alert(1)</script> [x](javascript:alert(1)) "
                                    "[museo](https://museo.example)"}))
    db.session.commit()
    html = client.get(UY + path).get_data(as_text=True)
    assert "<h2>Sección</h2>" in html
    article = html[html.index("<article"):html.index("</article>")]
    assert "<strong>marcas</strong>" in article  # Markdown, sanitised:
    assert "<b>" not in article
    assert "<script" not in article
    assert "javascript:" not in article
    assert 'href="https://museo.example" rel="noopener noreferrer nofollow"' in article


def test_news_list_and_item(client, uruguay):
    db.session.add(NewsItem(post_id=uruguay.id, slug="ramsar", published_on=date(2018, 10, 22),
                            title={"es": "Lanzamiento"}, body={"es": "Se realizó el lanzamiento."}))
    db.session.commit()
    assert "Lanzamiento" in client.get(UY + "/news").get_data(as_text=True)
    assert "Se realizó" in client.get(UY + "/news/ramsar").get_data(as_text=True)
    assert client.get(UY + "/news/other").status_code == 404


def test_contact_form_stores_the_message_for_this_post(client, uruguay):
    token = csrf_token(client, UY + "/contact")
    response = client.post(UY + "/contact", data={
        "csrf_token": token, "name": "Ana", "email": "ana@example.com",
        "subject": "Hoja Ramsar", "message": "¿Quedan hojas del Ramsar?",
    })
    assert response.status_code == 302
    message = db.session.scalars(select(ContactMessage)).one()
    assert (message.post_id, message.email, message.locale) == (uruguay.id, "ana@example.com", "es")


@pytest.mark.parametrize(
    ("field", "value"), [("email", "not-an-email"), ("message", "short"), ("name", "")]
)
def test_contact_form_bad_input_is_explained_and_nothing_is_stored(client, uruguay, field, value):
    data = {"name": "Ana", "email": "ana@example.com", "subject": "Hola",
            "message": "Un mensaje suficientemente largo."}
    data[field] = value
    data["csrf_token"] = csrf_token(client, UY + "/contact")
    response = client.post(UY + "/contact", data=data)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert 'value="Ana"' in response.get_data(as_text=True) or field == "name"
    assert db.session.scalars(select(ContactMessage)).all() == []


def test_contact_form_without_csrf_token_is_refused(client, uruguay):
    response = client.post(UY + "/contact", data={
        "name": "Ana", "email": "ana@example.com", "subject": "x", "message": "long enough text",
    })
    assert response.status_code == 400
    assert db.session.scalars(select(ContactMessage)).all() == []


def test_theme_css_carries_the_posts_colours(client, uruguay):
    response = client.get(UY + "/theme.css")
    assert "--brand:#0038a8" in response.get_data(as_text=True)
    assert response.content_type.startswith("text/css")


@pytest.mark.parametrize("path", ["/", "/catalogue", "/issues/big", "/search?q=stamp"])
def test_query_count_does_not_grow_with_the_catalogue(
    client, count_queries, make_post, make_issue, make_product, path
):
    post = make_post("nl")
    big = make_issue(post, slug="big", title={"nl": "Groot", "en": "Big stamp"})
    for _ in range(4):
        make_product(big)

    def fill(issues: int) -> None:
        for n in range(issues):
            issue = make_issue(post, title={"nl": f"Postzegel {n}", "en": f"Stamp {n}"})
            for _ in range(4):
                make_product(issue)

    def page_queries() -> list[str]:
        client.get(storefront("nl") + path)  # what the worker keeps is read once
        with count_queries() as queries:
            assert client.get(storefront("nl") + path).status_code == 200
        return queries

    fill(10)
    _index_all()
    small = page_queries()
    fill(100)
    _index_all()
    large = page_queries()
    assert len(large) == len(small), (small, large)


@pytest.mark.parametrize("path", ["/", "/catalogue"])
def test_a_listing_loads_only_what_its_cards_show(
    client, count_queries, make_post, make_issue, make_product, path
):
    """Cards show a title, a picture, a date and the lowest price: an issue's description and
    themes, and its products' stock or face value, are never read for a listing."""
    post = make_post("nl")
    for n in range(3):
        make_product(make_issue(post, title={"nl": f"Postzegel {n}", "en": f"Stamp {n}"}))
    db.session.commit()
    with count_queries() as statements:
        html = client.get(storefront("nl") + path).get_data(as_text=True)
    assert html.count('class="card issue-card"') == 3
    sql = "\n".join(statements)
    for column in ("issue.description", "issue.designer", "product.stock", "product.face_value",
                   "issue_theme"):
        assert column not in sql, column


def _index_all() -> None:
    from mall.catalogue.search import rebuild_index

    rebuild_index(db.session)
    db.session.commit()


def test_theme_css_never_carries_anything_but_a_colour(client, make_post):
    make_post("nl", primary_color="};*{x:y", accent_color="#ff6600")  # 7 chars: the column's size
    css = client.get(storefront("nl") + "/theme.css").get_data(as_text=True)
    assert css == ":root{--brand:#1d3557;--accent:#ff6600}\n"


def test_post_emblems_load_on_every_host(client, uruguay):
    for base in (UY, "http://stamps.post.localhost:5000"):
        response = client.get(base + "/artwork/posts/uy.svg")
        assert response.status_code == 200
        assert response.content_type.startswith("image/svg+xml")
    assert client.get(UY + "/artwork/posts/zz.svg").status_code == 404
