"""Registration: only a verified post with its storefront name, a manager and a rate for
its currency goes live; the operator can suspend it and open it again."""

from __future__ import annotations

from datetime import date

import pytest

from mall.accounts.passwords import hash_password
from mall.extensions import db
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import PostHost, PostStatus
from mall.posts.services import CannotGoLive, go_live, suspend
from mall.rates.conversion import RateTable

RATES = RateTable.from_rates({"UYU": "46.08"}, date(2026, 11, 27))


def _manager(post, active: bool = True) -> StaffMember:
    member = StaffMember(email=f"manager@{post.code}.example", name="Manager",
                         role=StaffRole.POST_MANAGER, post_id=post.id, active=active,
                         password_hash=hash_password("a long passphrase here"))
    db.session.add(member)
    db.session.flush()
    return member


def test_a_verified_post_with_a_rate_and_a_manager_goes_live(make_post):
    post = make_post("uy", status=PostStatus.VERIFIED)
    _manager(post)
    go_live(db.session, post, RATES)
    assert post.status is PostStatus.LIVE


def test_a_post_in_a_currency_without_a_rate_cannot_go_live(make_post):
    post = make_post("kh", status=PostStatus.VERIFIED)  # KHR: no rate in the table
    _manager(post)
    with pytest.raises(CannotGoLive, match="no exchange rate for KHR"):
        go_live(db.session, post, RATES)
    assert post.status is PostStatus.VERIFIED


def test_an_unverified_post_cannot_go_live(make_post):
    post = make_post("uy", status=PostStatus.APPLIED)
    with pytest.raises(CannotGoLive, match="not been verified"):
        go_live(db.session, post, RATES)


def test_a_post_without_an_active_manager_cannot_go_live(make_post):
    post = make_post("nl", status=PostStatus.VERIFIED)
    _manager(post, active=False)  # invited, not yet accepted
    with pytest.raises(CannotGoLive, match="no manager"):
        go_live(db.session, post, RATES)


def test_a_post_without_its_storefront_name_cannot_go_live(make_post):
    post = make_post("nl", status=PostStatus.VERIFIED)
    _manager(post)
    db.session.query(PostHost).filter_by(post_id=post.id).delete()
    with pytest.raises(CannotGoLive, match="stamps.nl"):
        go_live(db.session, post, RATES)


def test_the_euro_needs_no_rate(make_post):
    post = make_post("nl", status=PostStatus.VERIFIED)
    _manager(post)
    go_live(db.session, post, RATES)
    assert post.status is PostStatus.LIVE


def test_a_suspended_post_opens_again(make_post):
    post = make_post("uy")
    _manager(post)
    assert suspend(db.session, post)
    assert not suspend(db.session, post)  # once
    assert post.status is PostStatus.SUSPENDED
    go_live(db.session, post, RATES)
    assert post.status is PostStatus.LIVE
