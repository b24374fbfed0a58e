"""`flask mall staff …`: create, invite, list and deactivate staff accounts.

There is no web page that creates the first operator: whoever can run commands on the
server makes it. Each command commits once, or says why not and changes nothing."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from mall.accounts.passwords import hash_password, password_problems
from mall.accounts.services import normalize_email
from mall.audit.services import record
from mall.extensions import db
from mall.operator.auth import end_staff_sessions, find_staff, set_staff_password
from mall.operator.invitations import InvitationRefused, invite
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import Post

staff_cli = AppGroup("staff", help="Staff accounts: the operator's and the posts'.")


@staff_cli.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The person's name, shown on what they record.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in StaffRole]),
    default=StaffRole.OPERATOR.value,
    show_default=True,
)
@click.option("--post", "post_code", default=None, help="Post code (uy, nl…) for post roles.")
@click.password_option(help="Prompted for (twice) when not given.")
def add_command(email: str, name: str, role: str, post_code: str | None, password: str) -> None:
    """Create a staff account, or set a new password (and name) for an existing one."""
    email = normalize_email(email)
    problems = password_problems(password, email)
    if problems:
        raise click.ClickException(" ".join(problems))
    staff_role = StaffRole(role)
    post = None
    if staff_role is not StaffRole.OPERATOR:
        if not post_code:
            raise click.ClickException(f"--post is required for the role {role}")
        post = db.session.scalar(select(Post).where(Post.code == post_code.lower()))
        if post is None:
            raise click.ClickException(f"no post with the code {post_code!r}")
    elif post_code:
        raise click.ClickException("the operator belongs to no post: leave out --post")
    staff = find_staff(db.session, email)
    if staff is None:
        staff = StaffMember(
            email=email, password_hash=hash_password(password), name=name.strip(),
            role=staff_role, post_id=post.id if post else None,
        )
        db.session.add(staff)
        verb = "created"
    else:
        staff.name, staff.role = name.strip(), staff_role
        staff.post_id = post.id if post else None
        staff.active = True
        set_staff_password(db.session, staff, password)
        verb = "updated (every session of it has ended)"
    db.session.commit()
    click.echo(f"{staff.email}: {staff.role.value} account {verb}.")


@staff_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Stop an account from signing in, and end its sessions now."""
    staff = find_staff(db.session, email)
    if staff is None:
        raise click.ClickException(f"no staff account {normalize_email(email)}")
    staff.active = False
    end_staff_sessions(db.session, staff)
    db.session.commit()
    click.echo(f"{staff.email}: deactivated.")


@staff_cli.command("list")
def list_command() -> None:
    """Every staff account: email, role, post, active."""
    rows = db.session.execute(
        select(StaffMember, Post.code)
        .outerjoin(Post, StaffMember.post_id == Post.id)
        .order_by(StaffMember.role, StaffMember.email)
    ).all()
    for staff, code in rows:
        state = "active" if staff.active else "deactivated"
        click.echo(f"{staff.email}\t{staff.role.value}\t{code or '-'}\t{state}\t{staff.name}")


@staff_cli.command("invite")
@click.argument("email")
@click.option("--name", required=True, help="The person's name.")
@click.option("--post", "post_code", required=True, help="The post's code (uy, nl…).")
@click.option(
    "--role",
    type=click.Choice([StaffRole.POST_MANAGER.value, StaffRole.POST_CLERK.value]),
    default=StaffRole.POST_MANAGER.value,
    show_default=True,
)
def invite_command(email: str, name: str, post_code: str, role: str) -> None:
    """Invite a post's first manager (or any of its staff) by mail: they choose their own
    password with the signed link, on their post's host."""
    post = db.session.scalar(select(Post).where(Post.code == post_code.lower()))
    if post is None:
        raise click.ClickException(f"no post with the code {post_code!r}")
    try:
        member = invite(db.session, post, email, name, StaffRole(role), invited_by=None)
    except InvitationRefused as refused:
        raise click.ClickException(f"{normalize_email(email)} has a staff account already") \
            from refused
    record(db.session, None, "staff.invite", member,
           after={"email": member.email, "role": member.role, "post": post.code},
           note="flask mall staff invite (command line)")
    db.session.commit()
    click.echo(f"{member.email}: invited as {member.role.value} of {post.code.upper()}; "
               "the invitation is in their mail.")
