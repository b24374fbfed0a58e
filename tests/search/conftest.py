"""A catalogue of a few thousand issues, written in bulk as the scale check writes 200,000:
rows inserted by the statement, the search text through `issue_search` (so the database's own
triggers fill the full-text index, as they do for the app), PostgreSQL vacuumed and
analysed after, as autovacuum leaves a table that has taken a bulk load."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, text

from mall.catalogue.models import Issue, Product, Theme, issue_theme
from mall.catalogue.search import IssueSearch, search_terms
from mall.extensions import db
from mall.posts.models import Post

CODES = ("uy", "nl", "kh", "jp", "fr", "de", "es", "it")
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "bu", "da", "fe", "gi", "ho",
             "ju")


@pytest.fixture
def bulk_catalogue(make_post) -> Callable[..., list[Post]]:
    """`bulk_catalogue(n)`: n published issues over eight live posts; one in 100 has the word
    "bird" in its title, one in ten "flower" in its description; years 1990 to 2024."""

    def build(n: int, start: int = 1) -> list[Post]:
        posts = list(db.session.scalars(select(Post).order_by(Post.id)))
        if not posts:
            posts = [make_post(code) for code in CODES]
        theme = db.session.scalar(select(Theme).where(Theme.slug == "fauna"))
        if theme is None:
            theme = Theme(slug="fauna", name={"en": "Fauna"})
            db.session.add(theme)
            db.session.flush()
        rng = random.Random(start)
        vocabulary = ["".join(rng.choices(SYLLABLES, k=4)) for _ in range(3_000)]
        now = datetime(2024, 1, 1, tzinfo=UTC)
        issues, products, themes, search = [], [], [], []
        for number in range(start, start + n):
            post = posts[number % len(posts)]
            title = " ".join(rng.choices(vocabulary, k=3)) + (" bird" if number % 100 == 0 else "")
            body = " ".join(rng.choices(vocabulary, k=10)) + (
                " flower" if number % 10 == 3 else ""
            )
            issued = date(1990 + number % 35, 1 + number % 12, 1 + number % 28)
            issues.append({
                "id": number, "post_id": post.id, "slug": f"bulk-{number}",
                "title": {"en": title}, "description": {"en": body},
                "issue_date": issued,
                "wns_numbers": [], "designer": "", "printer": "", "process": "",
                "perforation": "", "created_at": now, "published_at": now,
            })
            products.append({
                "post_id": post.id, "issue_id": number, "sku": f"BULK-{number}",
                "format": "single", "condition": "mint", "face_value": "", "price_minor": 100,
                "currency": post.currency, "stock": 5, "weight_g": 5, "hs_code": "4907",
                "position": 0,
            })
            themes.append({"issue_id": number, "theme_id": theme.id})
            search.append({
                "issue_id": number,
                "heading": " ".join(search_terms(title)),
                # The post's code, the year and the two as one, as `issue_document` writes.
                "body": " ".join(search_terms(
                    f"{body} {post.code} {issued.year} {post.code}{issued.year} fauna")),
            })
        db.session.execute(insert(Issue.__table__), issues)
        db.session.execute(insert(Product.__table__), products)
        db.session.execute(insert(issue_theme), themes)
        db.session.execute(insert(IssueSearch), search)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # SQLite is left without statistics: they would outlive the test's wipe and
            # change the plans of the tests after it.
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE")
                )
        return posts

    return build
