"""A manager invites staff by mail; the link sets a password once, then expires or dies."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from mall.extensions import db
from mall.operator.models import StaffMember, StaffRole
from mall.outbox.models import OutboxTask
from tests.support.hosts import csrf_token, storefront
from tests.tenancy.factories import become

UY, NL = storefront("uy"), storefront("nl")
NEW_PASSWORD = "sellos del uruguay 1856"


def _invite(client, email: str = "lucia@correo.example.uy", role: str = "post_clerk"):
    url = UY + "/manage/staff"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Lucía",
                                  "email": email, "role": role})


def _link() -> str:
    mail = [t.payload for t in db.session.scalars(select(OutboxTask)) if t.kind == "mail"][-1]
    return re.search(r"http://\S+/manage/welcome/\S+", mail["text_body"]).group(0)


def _accept(client, link: str, password: str = NEW_PASSWORD):
    return client.post(link, data={"csrf_token": csrf_token(client, link),
                                   "password": password, "confirm": password})


def test_an_invited_clerk_sets_a_password_once_and_is_signed_in(app, client, staff):
    become(client, "manager", staff, UY)
    assert _invite(client).status_code == 302
    member = db.session.scalar(select(StaffMember).where(
        StaffMember.email == "lucia@correo.example.uy"))
    assert member.role is StaffRole.POST_CLERK
    assert member.post_id == staff["uy"].id
    assert member.active is False
    link = _link()
    newcomer = app.test_client()
    accepted = _accept(newcomer, link)
    assert accepted.status_code == 302
    assert newcomer.get(UY + "/manage/").status_code == 200
    db.session.expire_all()
    assert db.session.get(StaffMember, member.id).active is True
    again = app.test_client()
    assert again.get(link).status_code == 400  # used
    assert "invitation-invalid" in again.get(link).get_data(as_text=True)


def test_an_invitation_does_not_open_another_posts_back_office(app, client, staff):
    become(client, "manager", staff, UY)
    _invite(client)
    link = _link().replace(UY, NL)
    assert app.test_client().get(link).status_code == 400


def test_an_expired_or_tampered_link_is_refused(app, client, staff):
    become(client, "manager", staff, UY)
    _invite(client)
    link = _link()
    assert app.test_client().get(link[:-3] + "abc").status_code == 400
    app.config["STAFF_INVITATION_MAX_AGE"] = -1
    try:
        assert app.test_client().get(link).status_code == 400
    finally:
        app.config["STAFF_INVITATION_MAX_AGE"] = int(timedelta(days=7).total_seconds())


def test_a_weak_password_is_refused_and_the_link_keeps_working(app, client, staff):
    become(client, "manager", staff, UY)
    _invite(client)
    link = _link()
    newcomer = app.test_client()
    assert _accept(newcomer, link, "short").status_code == 400
    assert _accept(newcomer, link).status_code == 302


def test_an_address_with_an_account_cannot_be_invited_again(client, staff):
    become(client, "manager", staff, UY)
    response = _invite(client, email=staff["clerk"].email)
    assert response.status_code == 400
    assert "already" in response.get_data(as_text=True)


def test_a_manager_switches_off_a_clerk_whose_sessions_end(app, client, staff):
    clerk = app.test_client()
    become(clerk, "clerk", staff, UY)
    assert clerk.get(UY + "/manage/").status_code == 200
    become(client, "manager", staff, UY)
    url = f"{UY}/manage/staff/{staff['clerk'].id}/deactivate"
    response = client.post(url, data={"csrf_token": csrf_token(client, UY + "/manage/staff")})
    assert response.status_code == 302
    assert "/manage/sign-in" in clerk.get(UY + "/manage/").location
    db.session.expire_all()
    assert db.session.get(StaffMember, staff["clerk"].id).active is False


def test_a_deactivated_members_old_invitation_stays_dead(app, client, staff):
    become(client, "manager", staff, UY)
    _invite(client)
    link = _link()
    newcomer = app.test_client()
    _accept(newcomer, link)
    member = db.session.scalar(select(StaffMember).where(
        StaffMember.email == "lucia@correo.example.uy"))
    client.post(f"{UY}/manage/staff/{member.id}/deactivate",
                data={"csrf_token": csrf_token(client, UY + "/manage/staff")})
    assert app.test_client().get(link).status_code == 400



def test_the_operator_invites_a_posts_first_manager_from_the_command_line(app, make_post):
    make_post("kh")
    runner = app.test_cli_runner()
    done = runner.invoke(args=["mall", "staff", "invite", "chief@post.example.kh",
                               "--name", "Sokha", "--post", "KH"])
    assert done.exit_code == 0, done.output
    member = db.session.scalar(select(StaffMember).where(
        StaffMember.email == "chief@post.example.kh"))
    assert member.role is StaffRole.POST_MANAGER
    assert member.active is False
    assert "/manage/welcome/" in _link()
    from mall.audit.models import AuditEntry

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.invite"))
    assert entry.target_id == str(member.id)
    assert "command line" in entry.note
    again = runner.invoke(args=["mall", "staff", "invite", "chief@post.example.kh",
                                "--name", "Sokha", "--post", "kh"])
    assert again.exit_code != 0
    assert runner.invoke(args=["mall", "staff", "invite", "x@example.org", "--name", "X",
                               "--post", "zz"]).exit_code != 0
