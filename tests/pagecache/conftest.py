"""The page cache on, empty at the start and end of each test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask

from mall.extensions import db
from mall.pagecache import cache
from mall.pagecache.backends import Backend
from mall.rates.services import set_operator_rate


@pytest.fixture
def cached(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    monkeypatch.setitem(app.config, "PAGE_CACHE", True)
    cache().clear()
    yield cache()
    cache().clear()


@pytest.fixture
def rates() -> None:
    for currency, rate in {"UYU": "46.20", "USD": "1.0547", "GBP": "0.8418"}.items():
        set_operator_rate(db.session, currency, rate, date(2026, 11, 27))
    db.session.commit()


@pytest.fixture
def uruguay(make_post, make_issue, make_product, rates):
    post = make_post("uy")
    issue = make_issue(
        post, slug="humedales", title={"es": "Humedales", "en": "Wetlands"}, themes=["birds"]
    )
    make_product(issue, sku="UY-1", price_minor=1500, stock=3)
    make_product(issue, sku="UY-2", price_minor=24000, stock=5)
    return issue
