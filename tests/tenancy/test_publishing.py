"""An issue going on sale is announced once the transaction commits: from the back office's
button and from a spreadsheet, never for a rollback, and not for an issue taken off sale
before the announcement runs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mall.catalogue import publishing
from mall.catalogue.editing import (
    IssueValues,
    ProductValues,
    publish,
    save_issue,
    save_product,
    unpublish,
)
from mall.catalogue.models import Condition, Issue, ProductFormat, Theme
from mall.catalogue.spreadsheet import import_csv
from mall.columns import utcnow
from mall.extensions import db
from mall.outbox.services import dispatch_committed
from tests.support.hosts import csrf_token, storefront
from tests.tenancy.factories import become
from tests.tenancy.test_catalogue_csv import _csv, _row


@pytest.fixture
def heard(monkeypatch) -> list[str]:
    """The slugs the listeners hear of, in order."""
    slugs: list[str] = []
    monkeypatch.setattr(publishing, "listeners",
                        lambda: (lambda _s, issue: slugs.append(issue.slug),))
    return slugs


def _draft(post) -> Issue:
    issue = save_issue(db.session, post, IssueValues(slug="flores", issue_date=date(2026, 1, 1),
                                                      title={"en": "Flowers"}))
    save_product(db.session, issue, ProductValues(
        sku="FL-1", format=ProductFormat.SINGLE, condition=Condition.MINT, price="10",
        weight_g=5))
    db.session.commit()
    return issue


def test_the_button_announces_the_issue_after_the_commit(client, staff, heard):
    issue = _draft(staff["uy"])
    become(client, "clerk", staff, storefront("uy"))
    edit = f"{storefront('uy')}/manage/issues/{issue.id}"
    token = csrf_token(client, edit)
    assert client.post(edit + "/publish", data={"csrf_token": token}).status_code == 302
    assert heard == ["flores"]
    client.post(edit + "/publish", data={"csrf_token": token})  # a replayed button
    assert heard == ["flores"]


def test_a_rolled_back_publication_announces_nothing(staff, heard):
    issue = _draft(staff["uy"])
    assert publish(db.session, issue, utcnow())
    db.session.rollback()
    dispatch_committed(db.session)
    assert heard == []


def test_an_issue_taken_off_sale_before_the_announcement_runs_is_not_announced(staff, heard):
    issue = _draft(staff["uy"])
    publish(db.session, issue, utcnow())
    db.session.commit()
    unpublish(issue)
    db.session.commit()
    dispatch_committed(db.session)
    assert heard == []


def test_a_spreadsheet_announces_the_issues_it_puts_on_sale(make_post, heard):
    db.session.add(Theme(slug="birds", name={"en": "Birds"}))
    uy = make_post("uy")
    db.session.commit()
    import_csv(db.session, uy, _csv(uy, [_row(), _row(slug="flores", sku="FLO-1",
                                                       published="no")]), utcnow())
    db.session.commit()
    dispatch_committed(db.session)
    assert heard == ["aves"]
    assert db.session.scalar(select(Issue.published_at).where(Issue.slug == "flores")) is None
