"""The post's staff, managed by its managers: who works here, inviting someone by mail,
switching an account off. Accepting an invitation is the one page open to a stranger: the
signed link is the key."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from mall.accounts.forms import ResetPasswordForm
from mall.columns import utcnow
from mall.extensions import db
from mall.operator.auth import end_staff_sessions, start_staff_session
from mall.operator.invitations import InvitationRefused, accept, invite, invited_member
from mall.operator.models import StaffMember, StaffRole
from mall.tenancy import current_post, get_owned_or_404
from vendors.backoffice import queries
from vendors.backoffice.access import current_post_staff, staff_required
from vendors.backoffice.blueprint import bp
from vendors.backoffice.forms import ActionForm, InviteForm


@bp.route("/staff", methods=["GET", "POST"])
@staff_required(StaffRole.POST_MANAGER)
def staff() -> ResponseReturnValue:
    form = InviteForm()
    if form.validate_on_submit():
        try:
            member = invite(db.session, current_post(), form.email.data, form.name.data,
                            StaffRole(form.role.data), current_post_staff())
        except InvitationRefused:
            form.email.errors.append(_("This address has a staff account already."))
        else:
            flash(_("%(email)s is invited: the link in their mail works for a week.",
                    email=member.email), "success")
            return redirect(url_for(".staff"))
    return render_template(
        "backoffice/staff.html", members=queries.post_staff(db.session, current_post()),
        me=current_post_staff(), form=form, action=ActionForm(),
    ), 400 if form.is_submitted() else 200


@bp.post("/staff/<int:staff_id>/deactivate")
@staff_required(StaffRole.POST_MANAGER)
def deactivate_staff(staff_id: int) -> ResponseReturnValue:
    member = get_owned_or_404(StaffMember, staff_id)
    if not ActionForm().validate_on_submit():
        abort(400, description=_("The form expired. Please try again."))
    if member.id == current_post_staff().id:
        flash(_("You cannot switch off your own account."), "error")
    elif member.active:
        member.active = False
        end_staff_sessions(db.session, member)
        flash(_("%(name)s can no longer sign in.", name=member.name), "success")
    return redirect(url_for(".staff"))


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    post = current_post()
    try:
        member = invited_member(db.session, token, post)
    except InvitationRefused:
        return render_template("backoffice/invitation_invalid.html"), 400
    form = ResetPasswordForm(email=member.email)
    if form.validate_on_submit():
        accept(db.session, member, form.password.data)
        start_staff_session(member, utcnow())
        flash(_("Welcome, %(name)s: your back-office account is ready.", name=member.name),
              "success")
        return redirect(url_for(".dashboard"))
    return render_template("backoffice/accept_invitation.html", form=form, member=member,
                           token=token), 400 if form.is_submitted() else 200
