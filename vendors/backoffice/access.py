"""The back office's request layer (indico's RH idea): the post is resolved from the host,
and the staff member signed in on this host is checked against it before the handler runs.

Who gets what, for every `/manage` page (tests/tenancy/test_backoffice_matrix.py sweeps them):

| visitor                              | answer                                    |
| ------------------------------------ | ----------------------------------------- |
| nobody signed in, or only a buyer    | redirect to the staff sign-in (403 JSON)  |
| staff of another post, the operator  | 404: the page does not exist for them     |
| staff of this post, role too low     | 403                                       |
| staff of this post with the role     | the page                                  |

The operator is refused like another post's staff: a post's back office is the post's own
(its data, its decisions); the operator acts through the operator's desk. A staff session
is host-only, so the operator's (made at the portal) never reaches a storefront anyway."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _

from mall.errors import wants_json
from mall.hosts import local_path
from mall.operator.auth import SESSION_KEY, current_staff
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import Post
from mall.tenancy import current_post

F = TypeVar("F", bound=Callable[..., Any])

#: Post roles, lowest first: a role may do everything the roles before it may.
POST_ROLES = (StaffRole.POST_CLERK, StaffRole.POST_MANAGER)


def has_role(staff: StaffMember, required: StaffRole) -> bool:
    return POST_ROLES.index(staff.role) >= POST_ROLES.index(required)


def staff_of(post: Post) -> StaffMember | None:
    """The active staff member signed in on this host if they work for `post`."""
    staff = current_staff()
    if staff is None or not staff.active or staff.post_id != post.id:
        return None
    return staff


def current_post_staff() -> StaffMember:
    """The staff member the request layer let in (only inside a guarded handler)."""
    return cast(StaffMember, g.post_staff)


def staff_required(role: StaffRole) -> Callable[[F], F]:
    """Guard a back-office handler: this host's post, its staff, at least `role`. The role
    is kept on the view (`required_role`) for the tests that sweep every route."""
    if role not in POST_ROLES:
        raise ValueError(f"{role} is not a post role")

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            post = current_post()
            staff = current_staff()
            if staff is None:
                return _to_sign_in()
            if staff.role not in POST_ROLES or staff.post_id != post.id or not staff.active:
                abort(404)
            if not has_role(staff, role):
                abort(403, description=_("Your role does not give access to this page."))
            g.post_staff = staff
            return view(*args, **kwargs)

        guarded.required_role = role  # type: ignore[attr-defined]
        return cast(F, guarded)

    return decorate


def _to_sign_in() -> Any:
    session.pop(SESSION_KEY, None)  # stale or signed out elsewhere
    if wants_json():
        return jsonify(error="Forbidden", reason=_("Sign in as the post's staff to use this.")), 403
    target = local_path(request.full_path.rstrip("?")) if request.method == "GET" else None
    return redirect(url_for("backoffice.sign_in", next=target))
