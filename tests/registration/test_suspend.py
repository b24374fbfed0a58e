"""Suspending a post closes its storefront with a clear page, takes its issues out of
search and carts, and loses nothing: its back office ships, its orders settle; reopening
restores it. The verified mark links to a page of the mall's own that a look-alike cannot
copy."""

from __future__ import annotations

from sqlalchemy import select

from mall.catalogue.search import rebuild_index
from mall.extensions import db
from mall.posts.models import Post, PostStatus
from mall.posts.names import register_name
from tests.support.hosts import PORTAL, csrf_token, storefront

UY = storefront("uy")


def _shop(make_post, make_issue, make_product):
    post = make_post("uy")
    product = make_product(make_issue(post, title={"en": "Wetlands of Uruguay"}), stock=5)
    rebuild_index(db.session)
    db.session.commit()
    return post, product


def _status(desk, code: str, action: str):
    page = PORTAL + f"/operator/posts/{code}"
    return desk.post(page + f"/{action}", data={"csrf_token": csrf_token(desk, page)})


def test_suspend_closes_the_storefront_and_reopen_restores_it(desk, client, make_post,
                                                              make_issue, make_product):
    post, product = _shop(make_post, make_issue, make_product)
    issue_page = UY + f"/issues/{product.issue.slug}"
    assert "Wetlands" in client.get(PORTAL + "/search?q=wetlands").get_data(as_text=True)
    assert _status(desk, "uy", "suspend").status_code == 302
    db.session.expire_all()
    assert post.status is PostStatus.SUSPENDED
    for url in (UY + "/", issue_page):
        closed = client.get(url)
        assert closed.status_code == 503
        assert "is closed for now" in closed.get_data(as_text=True)
    assert "Wetlands" not in client.get(PORTAL + "/search?q=wetlands").get_data(as_text=True)
    assert client.get(PORTAL + "/verified/uy").status_code == 200  # still verified
    from datetime import date
    from decimal import Decimal

    from mall.accounts.passwords import hash_password
    from mall.operator.models import StaffMember, StaffRole
    from mall.rates.services import set_operator_rate

    db.session.add(StaffMember(email="m@uy.example", name="M", role=StaffRole.POST_MANAGER,
                               post_id=post.id, password_hash=hash_password("x" * 20)))
    set_operator_rate(db.session, "UYU", Decimal("46.21"), date.today())
    db.session.commit()
    assert _status(desk, "uy", "live").status_code == 302
    db.session.expire_all()
    assert post.status is PostStatus.LIVE
    assert client.get(issue_page).status_code == 200


def test_a_post_without_a_manager_does_not_open(desk, make_post):
    post = make_post("pt", status=PostStatus.VERIFIED, currency="EUR")
    response = _status(desk, "pt", "live")
    assert response.status_code == 409
    assert "no manager yet" in response.get_data(as_text=True)
    db.session.expire_all()
    assert post.status is PostStatus.VERIFIED


def test_names_are_registered_at_the_desk_with_reasons(desk, make_post):
    make_post("uy")
    make_post("nl")
    page = PORTAL + "/operator/posts/uy"

    def register(name: str):
        return desk.post(page + "/names", data={"csrf_token": csrf_token(desk, page),
                                                "name": name})

    assert register("africaphilatelyshop.post").status_code == 302
    assert "africaphilatelyshop" in desk.get(page).get_data(as_text=True)
    for name, status, reason in (
        ("stamps.nl", 400, "belong to the verified post of that country only"),
        ("postal.post", 400, "protected for the whole postal community"),
        ("africaphilatelyshop", 409, "already registered"),
        ("no", 400, "3 to 63 letters"),
    ):
        response = register(name)
        assert response.status_code == status, name
        assert reason in response.get_data(as_text=True)


def test_the_verified_mark_leads_to_the_malls_own_page(client, make_post):
    post = make_post("uy")
    register_name(db.session, post, "africaphilatelyshop", "post.localhost")
    db.session.commit()
    home = client.get(UY + "/").get_data(as_text=True)
    assert f'href="{PORTAL}/verified/uy"' in home
    page = client.get(PORTAL + "/verified/uy").get_data(as_text=True)
    assert post.community_id in page
    assert "stamps.uy.post.localhost" in page
    assert "africaphilatelyshop.post.localhost" in page
    assert client.get(PORTAL + "/verified/zz").status_code == 404
    make_post("pt", status=PostStatus.VERIFIED)  # not open yet: nothing to check
    assert client.get(PORTAL + "/verified/pt").status_code == 404
    assert db.session.scalar(select(Post.id).where(Post.code == "pt"))
