"""Pages and news written per language in Markdown in the back office, shown sanitised on
the storefront; another post's news is not found."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from mall.content.models import NewsItem, Page, PageKind
from mall.extensions import db
from tests.support.hosts import csrf_token, storefront
from tests.tenancy.factories import become

UY, NL = storefront("uy"), storefront("nl")


def _post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, UY + "/manage/pages"),
                                  **data})


def test_a_clerk_writes_the_faq_in_two_languages(client, staff):
    become(client, "clerk", staff, UY)
    response = _post(client, UY + "/manage/pages/faq", title_es="Preguntas",
                     body_es="## Envíos\n\nEnviamos **certificado**.", title_en="Questions",
                     body_en="## Shipping\n\nWe send it **registered**.")
    assert response.status_code == 302
    page = db.session.scalar(select(Page).where(Page.kind == PageKind.FAQ))
    assert page.title == {"es": "Preguntas", "en": "Questions"}
    html = client.get(UY + "/faq").get_data(as_text=True)
    assert "<h2>Shipping</h2>" in html  # this browser reads English
    assert "<strong>registered</strong>" in html


def test_news_is_written_edited_and_deleted(client, staff):
    become(client, "clerk", staff, UY)
    created = _post(client, UY + "/manage/news/new", slug="nueva-emision",
                    published_on="2026-12-01", title_es="Nueva emisión",
                    body_es="Sale el **1 de diciembre**.")
    assert created.status_code == 302
    item = db.session.scalar(select(NewsItem))
    assert "<strong>1 de diciembre</strong>" in client.get(
        UY + "/news/nueva-emision").get_data(as_text=True)
    clash = _post(client, UY + "/manage/news/new", slug="nueva-emision",
                  published_on="2026-12-02", title_es="Otra")
    assert clash.status_code == 400
    assert _post(client, f"{UY}/manage/news/{item.id}/delete").status_code == 302
    assert db.session.scalar(select(NewsItem.id)) is None


def test_a_page_needs_a_title_and_odd_kinds_are_not_found(client, staff):
    become(client, "clerk", staff, UY)
    assert _post(client, UY + "/manage/pages/faq", body_es="Texto").status_code == 400
    assert db.session.scalar(select(Page.id)) is None
    assert client.get(UY + "/manage/pages/secrets").status_code == 404


def test_another_posts_news_is_not_found(client, staff):
    item = NewsItem(post_id=staff["uy"].id, slug="uy-news", published_on=date(2026, 1, 1),
                    title={"es": "Noticia"}, body={"es": "Texto"})
    db.session.add(item)
    db.session.commit()
    become(client, "other_manager", staff, NL)
    assert client.get(f"{NL}/manage/news/{item.id}").status_code == 404
