"""Registering names: `stamps.<cc>` is the verified post of `cc`'s, protected names are
never given out, an unverified post registers nothing, a name is one post's only."""

from __future__ import annotations

import pytest

from mall.extensions import db
from mall.posts.models import PostStatus
from mall.posts.names import NameRefused, Refusal, names_of, normalize, register_name, remove_name

DOMAIN = "post.localhost"


@pytest.mark.parametrize(("typed", "stored"), [
    ("AfricaPhilatelyShop.post", "africaphilatelyshop"),
    (" wnsstamps.post.localhost. ", "wnsstamps"),
    ("stamps.UY.post", "stamps.uy"),
])
def test_names_are_stored_as_typed_but_canonical(typed, stored):
    assert normalize(typed, DOMAIN) == stored


def test_a_verified_post_adds_an_extra_name(make_post):
    post = make_post("uy", status=PostStatus.VERIFIED)
    register_name(db.session, post, "africaphilatelyshop.post", DOMAIN)
    assert [h.name for h in names_of(db.session, post)] == ["stamps.uy", "africaphilatelyshop"]


@pytest.mark.parametrize(("name", "refusal"), [
    ("stamps.nl", Refusal.OTHER_COUNTRY),
    ("postal.post", Refusal.PROTECTED),
    ("e-commerce.post", Refusal.PROTECTED),
    ("stampsuy", Refusal.PROTECTED),
    ("ab", Refusal.INVALID),
    ("-shop", Refusal.INVALID),
    ("shop--x", Refusal.INVALID),
    ("two.labels", Refusal.INVALID),
    ("a\x00b", Refusal.INVALID),
    ("x" * 64, Refusal.INVALID),
    ("stamps.uy", Refusal.TAKEN),  # its own, already registered with the post
])
def test_names_that_are_not_the_posts_to_take_are_refused(make_post, name, refusal):
    post = make_post("uy", status=PostStatus.VERIFIED)
    with pytest.raises(NameRefused) as refused:
        register_name(db.session, post, name, DOMAIN)
    assert refused.value.refusal is refusal
    assert [h.name for h in names_of(db.session, post)] == ["stamps.uy"]


def test_a_name_already_taken_is_refused(make_post):
    uy = make_post("uy", status=PostStatus.VERIFIED)
    nl = make_post("nl", status=PostStatus.LIVE)
    register_name(db.session, nl, "wnsstamps", DOMAIN)
    with pytest.raises(NameRefused) as refused:
        register_name(db.session, uy, "WNSStamps.post", DOMAIN)
    assert refused.value.refusal is Refusal.TAKEN


def test_an_unverified_post_registers_nothing(make_post):
    post = make_post("pt", status=PostStatus.APPLIED)
    with pytest.raises(NameRefused) as refused:
        register_name(db.session, post, "portugalstamps", DOMAIN)
    assert refused.value.refusal is Refusal.NOT_VERIFIED


def test_the_storefront_name_stays_and_extra_names_can_go(make_post):
    post = make_post("uy", status=PostStatus.LIVE)
    extra = register_name(db.session, post, "africaphilatelyshop", DOMAIN)
    main = names_of(db.session, post)[0]
    with pytest.raises(NameRefused):
        remove_name(db.session, post, main.id)
    assert remove_name(db.session, post, extra.id) is not None
    assert [h.name for h in names_of(db.session, post)] == ["stamps.uy"]


def test_a_manager_registers_and_removes_names_in_the_back_office(client, make_post):
    from sqlalchemy import select

    from mall.accounts.passwords import hash_password
    from mall.operator.models import StaffMember, StaffRole
    from mall.posts.models import PostHost
    from tests.support.hosts import csrf_token, storefront
    from tests.tenancy.factories import become

    post = make_post("uy")
    manager = StaffMember(email="manager@uy.example", name="Manager", post_id=post.id,
                          role=StaffRole.POST_MANAGER, password_hash=hash_password("x" * 20))
    db.session.add(manager)
    db.session.commit()
    become(client, "manager", {"manager": manager}, storefront("uy"))
    page = storefront("uy") + "/manage/settings/names"
    added = client.post(page, data={"csrf_token": csrf_token(client, page),
                                    "name": "Uruguay-Stamps.post"})
    assert added.status_code == 302
    refused = client.post(page, data={"csrf_token": csrf_token(client, page),
                                      "name": "stamps.br"})
    assert refused.status_code == 400
    assert "belong to the verified post of that country only" in refused.get_data(as_text=True)
    host = db.session.scalar(select(PostHost).where(PostHost.name == "uruguay-stamps"))
    removed = client.post(page.replace("/names", f"/names/{host.id}/remove"),
                          data={"csrf_token": csrf_token(client, page)})
    assert removed.status_code == 302
    assert [h.name for h in names_of(db.session, post)] == ["stamps.uy"]
