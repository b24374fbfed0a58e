"""Every reference kept within one post is indexed as the composite key it is: without it,
SQLite joins through the `post_id` index alone and reads all of a post's rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from mall import models
from mall.catalogue.models import Issue
from mall.extensions import db


def _composite_references():
    assert models.__all__  # every feature's tables are in the metadata
    for table in db.metadata.sorted_tables:
        for key in table.foreign_key_constraints:
            columns = [column.name for column in key.columns]
            if len(columns) > 1:
                yield table, columns


def test_there_are_such_references():
    assert len(list(_composite_references())) >= 8


@pytest.mark.parametrize(("table", "columns"), list(_composite_references()),
                         ids=lambda value: getattr(value, "name", str(value)))
def test_every_reference_within_a_post_has_its_index(table, columns):
    indexed = [[column.name for column in index.columns] for index in table.indexes]
    assert columns in indexed, f"{table.name}: no index on {columns}"


def test_an_issues_products_are_read_through_their_own_index(make_post, make_issue,
                                                             make_product, count_queries):
    post = make_post("uy")
    issue_id = make_issue(post).id
    make_product(db.session.get(Issue, issue_id))
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as queries:
        db.session.scalars(select(Issue).where(Issue.id == issue_id)
                           .options(selectinload(Issue.products))).one()
    products = next(q for q in queries if "FROM issue AS issue_1 JOIN product" in q)
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite plans: PostgreSQL chooses by its statistics")
    plan = " ".join(str(row[-1]) for row in db.session.execute(
        text("EXPLAIN QUERY PLAN " + products.replace("?", ":issue_id")),
        {"issue_id": issue_id}))
    assert "ix_product_issue_id_post_id" in plan, plan
