"""The tenancy layer: the post comes from the host through `post_host`; scoped helpers
and `get_owned_or_404` never hand out another post's rows; the database itself refuses rows
that mix two posts."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound

from mall.catalogue.models import Collection, Issue, Product, collection_issue
from mall.catalogue.queries import latest_issues
from mall.content.models import NewsItem
from mall.extensions import db
from mall.orders.models import OrderLine, PostOrderStatus
from mall.posts.models import PostHost, PostStatus
from mall.tenancy import current_post, get_owned_or_404, host_post, scoped, site_post
from tests.support.hosts import PORTAL, storefront
from tests.tenancy.factories import order_with_line


def test_every_post_gets_its_storefront_host_name(make_post):
    uy = make_post("uy")
    names = db.session.scalars(select(PostHost.name).where(PostHost.post_id == uy.id)).all()
    assert names == ["stamps.uy"]


def test_the_post_is_resolved_from_the_host_table(app, make_post):
    uy, nl = make_post("uy"), make_post("nl")
    with app.test_request_context(base_url=storefront("uy")):
        assert current_post() == uy
        assert site_post() == uy
    with app.test_request_context(base_url=PORTAL):
        assert host_post() is None
        assert site_post() is None
        with pytest.raises(NotFound):
            current_post()
    # A name moves with its row: the post is whatever the table says, not the host's text.
    db.session.execute(delete(PostHost).where(PostHost.post_id == uy.id))
    db.session.execute(
        PostHost.__table__.update().where(PostHost.post_id == nl.id).values(name="stamps.uy")
    )
    db.session.commit()
    with app.test_request_context(base_url=storefront("uy")):
        assert current_post() == nl


def test_a_host_without_a_live_post_is_a_404(app, client, make_post):
    make_post("uy", status=PostStatus.VERIFIED)
    assert client.get(storefront("uy") + "/").status_code == 404
    assert client.get(storefront("zz") + "/").status_code == 404
    assert client.get(storefront("zz") + "/cart").status_code == 404


def test_scoped_helpers_never_reach_another_posts_rows(app, make_post, make_issue):
    uy, nl = make_post("uy"), make_post("nl")
    ours, theirs = make_issue(uy), make_issue(nl)
    with app.test_request_context(base_url=storefront("uy")):
        assert db.session.scalars(scoped(Issue)).all() == [ours]
        assert get_owned_or_404(Issue, ours.id) == ours
        for ident in (theirs.id, 10**9):
            with pytest.raises(NotFound):
                get_owned_or_404(Issue, ident)


def test_another_posts_slugs_are_404_on_the_storefront(client, make_post, make_issue):
    uy, nl = make_post("uy"), make_post("nl")
    theirs = make_issue(nl, slug="their-issue")
    db.session.add(NewsItem(post_id=nl.id, slug="their-news", title={"en": "N"},
                            body={"en": "B"}, published_on=theirs.issue_date))
    db.session.add(Collection(post_id=nl.id, slug="their-collection", name={"en": "C"}))
    db.session.commit()
    for path in ("/issues/their-issue", "/news/their-news", "/collections/their-collection"):
        assert client.get(storefront("nl") + path).status_code == 200, path
        assert client.get(storefront(uy.code) + path).status_code == 404, path


def test_latest_issues_needs_its_post(make_post, make_issue):
    uy, nl = make_post("uy"), make_post("nl")
    ours = make_issue(uy)
    make_issue(nl)
    assert [card.id for card in latest_issues(db.session, 10, uy)] == [ours.id]
    with pytest.raises(TypeError):
        latest_issues(db.session, 10)  # type: ignore[call-arg]


def test_the_database_refuses_a_product_of_another_posts_issue(make_post, make_issue):
    uy, nl = make_post("uy"), make_post("nl")
    issue = make_issue(uy)
    db.session.add(Product(post_id=nl.id, issue_id=issue.id, sku="X", format="single",
                           price_minor=1, currency="EUR"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_refuses_an_order_line_of_another_post(make_post, make_issue, make_product):
    uy, nl = make_post("uy"), make_post("nl")
    post_order = order_with_line(make_product(make_issue(uy)), PostOrderStatus.TO_SHIP)
    line = post_order.lines[0]
    assert line.post_id == uy.id
    with pytest.raises(IntegrityError):  # foreign keys are checked at once, on both databases
        db.session.execute(
            OrderLine.__table__.update().where(OrderLine.id == line.id).values(post_id=nl.id)
        )
    db.session.rollback()


def test_the_database_refuses_a_collection_holding_another_posts_issue(make_post, make_issue):
    uy, nl = make_post("uy"), make_post("nl")
    ours, theirs = make_issue(uy), make_issue(nl)
    collection = Collection(post_id=uy.id, slug="fauna", name={"en": "Fauna"})
    collection.issues = [ours]
    db.session.add(collection)
    db.session.commit()
    assert db.session.execute(select(collection_issue.c.post_id)).scalars().all() == [uy.id]
    for post_id in (uy.id, nl.id):
        with pytest.raises(IntegrityError):
            db.session.execute(insert(collection_issue).values(
                collection_id=collection.id, issue_id=theirs.id, post_id=post_id))
        db.session.rollback()
