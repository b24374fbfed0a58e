"""The back office at `stamps.<cc>.<domain>/manage`: who may open which page (a matrix built
from the URL map, so that a new route cannot be left out), staff sign-in on the post's own
host, the dashboard's counts and the staff list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import count
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from mall.catalogue.models import Condition, Issue, Product, ProductFormat
from mall.columns import utcnow
from mall.content.models import ContactMessage, NewsItem
from mall.extensions import db
from mall.operator.demo import demo_post_staff
from mall.operator.models import StaffMember, StaffRole
from mall.orders.models import PostOrderStatus
from mall.posts.models import Post
from tests.support.hosts import PORTAL, csrf_token, storefront
from tests.tenancy.factories import PASSWORD, become, order_with_line

#: Back-office pages anyone may open: the way in and the way out.
PUBLIC = {"backoffice.sign_in", "backoffice.sign_out", "backoffice.accept_invitation"}
#: Sample values for route arguments, so that every route can be requested; a new argument
#: must be added here (the matrix fails until it is).
ARGUMENTS: dict[str, Callable[[Post], Any]] = {
    "post_order_id": lambda post: _paid_post_order(post).id,
    "message_id": lambda post: _message(post).id,
    "issue_id": lambda post: _product(post).issue_id,
    "product_id": lambda post: _product(post).id,
    "staff_id": lambda post: _clerk(post).id,
    "kind": lambda post: "faq",
    "news_id": lambda post: _news(post).id,
    "statement_id": lambda post: _statement(post).id,
    "host_id": lambda post: _extra_name(post).id,
}

WHO = ["anonymous", "buyer", "clerk", "manager", "other_manager", "operator"]


def expected(who: str, required: StaffRole) -> str:
    if who in ("anonymous", "buyer"):
        return "sign-in"
    if who in ("other_manager", "operator"):
        return "404"
    if who == "clerk" and required is StaffRole.POST_MANAGER:
        return "403"
    return "ok"


_matrix_serial = count(1)


def _extra_name(post: Post) -> Any:
    from mall.posts.names import register_name

    host = register_name(db.session, post, f"{post.code}extra{next(_matrix_serial)}",
                         "post.localhost")
    db.session.commit()
    return host


def _statement(post: Post) -> Any:
    from mall.settlement.models import Statement, StatementStatus

    period = date(2001 + next(_matrix_serial), 1, 1)
    statement = Statement(post_id=post.id, period=period, currency=post.currency,
                          status=StatementStatus.DRAFT)
    db.session.add(statement)
    db.session.commit()
    return statement


def _paid_post_order(post: Post) -> Any:
    return order_with_line(_product(post), PostOrderStatus.TO_SHIP)


def _product(post: Post) -> Product:
    n = next(_matrix_serial)
    issue = Issue(post=post, slug=f"matrix-{n}", title={"en": "Matrix"},
                  issue_date=date(2020, 1, 1))
    product = Product(post_id=post.id, issue=issue, sku=f"MATRIX-{n}",
                      format=ProductFormat.SINGLE, condition=Condition.MINT, price_minor=100,
                      currency=post.currency, stock=3)
    db.session.add(product)
    db.session.commit()
    return product


def _clerk(post: Post) -> StaffMember:
    member = StaffMember(email=f"clerk{next(_matrix_serial)}@{post.code}.example",
                         password_hash="x", name="Clerk", role=StaffRole.POST_CLERK,
                         post_id=post.id)
    db.session.add(member)
    db.session.commit()
    return member


def _news(post: Post) -> NewsItem:
    item = NewsItem(post_id=post.id, slug=f"news-{next(_matrix_serial)}",
                    published_on=date(2026, 1, 1), title={"en": "News"}, body={"en": "Text"})
    db.session.add(item)
    db.session.commit()
    return item


def _message(post: Post) -> ContactMessage:
    message = ContactMessage(post_id=post.id, name="Ana", email="ana@example.org",
                             subject="Hello", message="A question", locale="en")
    db.session.add(message)
    db.session.commit()
    return message


def outcome(response: Any) -> str:
    """What the guard decided: a 400 or 409 is the handler refusing a form or a step, so
    the guard let the request in."""
    if response.status_code in (302, 303) and "/manage/sign-in" in response.location:
        return "sign-in"
    if response.status_code in (400, 409):
        return "ok"
    if response.status_code in (403, 404):
        return str(response.status_code)
    return "ok" if response.status_code < 400 else str(response.status_code)


def manage_routes(app: Flask) -> list[Any]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("backoffice.")),
        key=lambda rule: rule.rule,
    )


def test_every_manage_route_answers_each_kind_of_visitor_as_it_should(app, client, staff):
    base = storefront("uy")
    routes = [rule for rule in manage_routes(app) if rule.endpoint not in PUBLIC]
    assert {rule.endpoint for rule in routes} >= {"backoffice.dashboard", "backoffice.staff"}
    wrong = []
    for rule in routes:
        required = getattr(app.view_functions[rule.endpoint], "required_role", None)
        assert required is not None, f"{rule.endpoint} is not guarded by staff_required"
        missing = rule.arguments - {"cc"} - set(ARGUMENTS)
        assert not missing, f"add sample values for {missing} of {rule.endpoint} to ARGUMENTS"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who in WHO:
                # Fresh sample rows for each visitor: one may delete what it was given.
                with app.test_request_context(base_url=base):
                    path = url_for(rule.endpoint, **{
                        name: ARGUMENTS[name](staff["uy"]) for name in rule.arguments - {"cc"}
                    })
                become(client, who, staff, base)
                data = {"csrf_token": csrf_token(client, base + "/contact")} \
                    if method == "POST" else None
                response = client.open(base + path, method=method, data=data)
                got, want = outcome(response), expected(who, required)
                if got != want:
                    wrong.append((method, rule.rule, who, want, got))
    assert wrong == []


def test_the_public_pages_are_only_the_way_in_and_out(app):
    public = {rule.endpoint for rule in manage_routes(app)} - {
        rule.endpoint for rule in manage_routes(app)
        if hasattr(app.view_functions[rule.endpoint], "required_role")
    }
    assert public == PUBLIC


def test_the_back_office_exists_on_storefront_hosts_only(client, staff):
    assert client.get(PORTAL + "/manage/").status_code == 404
    assert client.get(storefront("zz") + "/manage/").status_code == 404


def sign_in(client: FlaskClient, base: str, email: str, password: str = PASSWORD) -> Any:
    url = base + "/manage/sign-in"
    token = csrf_token(client, url)
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def test_a_manager_signs_in_on_the_posts_own_host(client, staff):
    base = storefront("uy")
    response = sign_in(client, base, "manager@uy.example")
    assert response.status_code == 302
    assert response.location.endswith("/manage/")
    page = client.get(base + "/manage/staff")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "manager@uy.example" in body
    assert "clerk@uy.example" in body
    assert "manager@nl.example" not in body  # another post's staff is not listed
    # The session is this host's only: another storefront and the portal know nothing of it.
    assert outcome(client.get(storefront("nl") + "/manage/")) == "sign-in"
    assert client.get(PORTAL + "/operator/payments").status_code == 302


@pytest.mark.parametrize("email", ["manager@nl.example", "desk@stamps.post", "nobody@x.org"])
def test_others_are_refused_at_sign_in_without_learning_who_works_where(client, staff, email):
    with client.session_transaction(base_url=storefront("uy")) as session:
        session["locale"] = "en"
    response = sign_in(client, storefront("uy"), email)
    assert response.status_code == 400
    assert "That email address and password do not match." in response.get_data(as_text=True)
    assert outcome(client.get(storefront("uy") + "/manage/")) == "sign-in"


def test_sign_out_ends_the_back_office_session(client, staff):
    base = storefront("uy")
    sign_in(client, base, "clerk@uy.example")
    assert client.get(base + "/manage/").status_code == 200
    token = csrf_token(client, base + "/manage/")
    assert client.post(base + "/manage/sign-out", data={"csrf_token": token}).status_code == 302
    assert outcome(client.get(base + "/manage/")) == "sign-in"


def test_the_dashboard_counts_this_posts_work_only(client, staff, make_issue, make_product):
    uy, nl = staff["uy"], staff["nl"]
    ours = make_product(make_issue(uy), stock=50)
    make_product(make_issue(uy), stock=2)  # low
    make_product(make_issue(uy), stock=0)  # sold out: low too
    theirs = make_product(make_issue(nl), stock=1)
    for _ in range(2):
        order_with_line(ours, PostOrderStatus.TO_SHIP)
    order_with_line(ours, PostOrderStatus.SHIPPED)
    order_with_line(ours, PostOrderStatus.AWAITING_PAYMENT)
    order_with_line(theirs, PostOrderStatus.TO_SHIP)
    for post, read in ((uy, None), (uy, None), (uy, utcnow()), (nl, None)):
        db.session.add(ContactMessage(post_id=post.id, name="Ana", email="ana@example.org",
                                      subject="Hello", message="?", locale="en", read_at=read))
    db.session.commit()
    assert db.session.query(Product).count() == 4
    become(client, "clerk", staff, storefront("uy"))
    body = client.get(storefront("uy") + "/manage/").get_data(as_text=True)
    counts = {
        key: body.split(f'id="{key}"', 1)[1].split("<dd>", 1)[1].split("</dd>", 1)[0].strip()
        for key in ("to-ship", "unread-messages", "low-stock")
    }
    assert counts == {"to-ship": "2", "unread-messages": "2", "low-stock": "2"}


def test_staff_add_makes_a_post_manager_who_can_sign_in(app, client, make_post):
    make_post("uy")
    result = app.test_cli_runner().invoke(args=[
        "mall", "staff", "add", "boss@correo.uy", "--name", "Boss", "--role", "post_manager",
        "--post", "UY", "--password", PASSWORD,
    ])
    assert result.exit_code == 0, result.output
    assert sign_in(client, storefront("uy"), "boss@correo.uy").status_code == 302
    assert client.get(storefront("uy") + "/manage/staff").status_code == 200


def test_the_demo_has_a_manager_and_a_clerk_per_post(app, client):
    from mall.demo.seed import seed

    seed(db.session)
    db.session.commit()
    for code in ("uy", "nl", "kh", "bw", "tz", "ug"):
        for role, email, _password, _name in demo_post_staff(code):
            member = db.session.query(StaffMember).filter_by(email=email).one()
            assert (member.role, member.post.code) == (role, code)
    base = storefront("uy")
    [(_, manager, password, _)] = [s for s in demo_post_staff("uy")
                                   if s[0] is StaffRole.POST_MANAGER]
    assert password == "manager-uy-demo-2026"  # noqa: S105 - as the README lists it
    assert sign_in(client, base, manager, password).status_code == 302
    assert client.get(base + "/manage/").status_code == 200
