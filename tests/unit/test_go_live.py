"""Registration: only a verified post whose currency has an exchange rate goes live."""

from __future__ import annotations

from datetime import date

import pytest

from mall.posts.models import PostStatus
from mall.posts.services import CannotGoLive, go_live
from mall.rates.conversion import RateTable

RATES = RateTable.from_rates({"UYU": "46.08"}, date(2026, 11, 27))


def test_a_verified_post_with_a_rate_goes_live(make_post):
    post = make_post("uy", status=PostStatus.VERIFIED)
    go_live(post, RATES)
    assert post.status is PostStatus.LIVE


def test_a_post_in_a_currency_without_a_rate_cannot_go_live(make_post):
    post = make_post("kh", status=PostStatus.VERIFIED)  # KHR: no rate in the table
    with pytest.raises(CannotGoLive, match="no exchange rate for KHR"):
        go_live(post, RATES)
    assert post.status is PostStatus.VERIFIED


def test_an_unverified_post_cannot_go_live(make_post):
    post = make_post("uy", status=PostStatus.APPLIED)
    with pytest.raises(CannotGoLive, match="not been verified"):
        go_live(post, RATES)


def test_the_euro_needs_no_rate(make_post):
    post = make_post("nl", status=PostStatus.VERIFIED)
    go_live(post, RATES)
    assert post.status is PostStatus.LIVE
