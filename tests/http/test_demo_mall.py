"""The demo mall as a visitor meets it: every page of every demo storefront, and the portal,
answer on their own hosts in their own languages."""

from __future__ import annotations

from sqlalchemy import select

from mall.catalogue.models import Collection, Issue
from mall.content.models import NewsItem
from mall.demo.seed import seed
from mall.extensions import db
from mall.posts.models import Post
from tests.support.hosts import PORTAL, storefront

PAGES = ["/", "/catalogue", "/collections", "/news", "/history", "/about", "/faq",
         "/contact", "/search?q=stamps", "/theme.css"]


def test_every_page_of_every_demo_storefront_and_the_portal(client):
    seed(db.session)
    db.session.commit()
    posts = db.session.scalars(select(Post).order_by(Post.code)).all()
    assert [post.code for post in posts] == ["bw", "kh", "nl", "tz", "ug", "uy"]
    failures = []

    def visit(url: str, language: str | None = None) -> None:
        response = client.get(url)
        body = response.get_data(as_text=True)
        if response.status_code != 200:
            failures.append((url, response.status_code))
        elif language and f'lang="{language}"' not in body:
            failures.append((url, "not in " + language))

    for post in posts:
        base = storefront(post.code)
        for path in PAGES:
            visit(base + path, None if path.endswith(".css") else post.default_locale)
        issues = db.session.scalars(select(Issue).where(
            Issue.post_id == post.id, Issue.published_at.is_not(None))).all()  # drafts: 404
        assert len(issues) >= 40
        for issue in issues:
            visit(base + f"/issues/{issue.slug}", post.default_locale)
        years = sorted({issue.issue_date.year for issue in issues})
        visit(base + f"/catalogue?year={years[0]}&page=1", post.default_locale)
        for collection in db.session.scalars(
            select(Collection).where(Collection.post_id == post.id)
        ):
            visit(base + f"/collections/{collection.slug}", post.default_locale)
        for item in db.session.scalars(select(NewsItem).where(NewsItem.post_id == post.id)):
            visit(base + f"/news/{item.slug}", post.default_locale)
        visit(PORTAL + f"/search?country={post.code}")
    for path in ["/", "/search?q=birds", "/search?theme=birds&year=2018", "/cart",
                 "/account/sign-in", "/account/register"]:
        visit(PORTAL + path)
    assert failures == []
