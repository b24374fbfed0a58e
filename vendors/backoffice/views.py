"""The back office's way in: staff sign-in and sign-out on the post's own host, and the
dashboard. Every page but these (and accepting an invitation) goes through `staff_required`
(see `vendors.backoffice.access`)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from mall.extensions import db
from mall.hosts import local_path_under
from mall.operator.auth import (
    current_staff,
    end_staff_session,
    end_staff_sessions,
)
from mall.operator.forms import StaffSignInForm
from mall.operator.models import StaffMember, StaffRole
from mall.operator.sign_in import attempt_staff_sign_in
from mall.tenancy import current_post
from vendors.backoffice import queries
from vendors.backoffice.access import POST_ROLES, staff_of, staff_required
from vendors.backoffice.blueprint import bp

# --- signing in and out -------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    post = current_post()
    goal = local_path_under(request.args.get("next"), bp.url_prefix)
    if staff_of(post) is not None and request.method == "GET":
        return redirect(goal or url_for(".dashboard"))
    form = StaffSignInForm()
    if form.validate_on_submit():
        # Another post's staff (or the operator) is told no more than a wrong password:
        # this host does not confirm who works where.
        signed_in = attempt_staff_sign_in(form, "backoffice/sign_in.html", roles=POST_ROLES,
                                          post_id=post.id, goal=goal)
        if not isinstance(signed_in, StaffMember):
            return signed_in
        flash(_("Signed in to the back office as %(name)s.", name=signed_in.name), "success")
        return redirect(goal or url_for(".dashboard"))
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/sign_in.html", form=form, goal=goal), status


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    """End this staff member's sessions in every browser; replaying it changes nothing."""
    staff = current_staff()
    if staff is not None:
        end_staff_sessions(db.session, staff)
        flash(_("You are signed out of the back office."), "success")
    end_staff_session()
    return redirect(url_for(".sign_in"))



# --- pages --------------------------------------------------------------------------------


@bp.get("/")
@staff_required(StaffRole.POST_CLERK)
def dashboard() -> ResponseReturnValue:
    counts = queries.dashboard(
        db.session, current_post(), int(current_app.config["BACKOFFICE_LOW_STOCK"])
    )
    return render_template("backoffice/dashboard.html", counts=counts)
