"""The post's contact inbox: messages from the storefront's form, read and answered by mail."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from mall.columns import utcnow
from mall.content.inbox import mark_read, mark_unread, reply
from mall.content.models import ContactMessage
from mall.extensions import db
from mall.operator.models import StaffRole
from mall.pagination import requested_page
from mall.tenancy import current_post, get_owned_or_404, scoped
from mall.transaction import writes
from vendors.backoffice.access import current_post_staff, staff_required
from vendors.backoffice.blueprint import bp
from vendors.backoffice.forms import ActionForm, ReplyForm


@bp.get("/messages")
@staff_required(StaffRole.POST_CLERK)
def messages() -> ResponseReturnValue:
    """Unread first, then the newest."""
    query = scoped(ContactMessage).order_by(
        ContactMessage.read_at.is_not(None), ContactMessage.created_at.desc(),
        ContactMessage.id.desc(),
    )
    page = db.paginate(query, page=requested_page(),
                       per_page=current_app.config["OPERATOR_PAGE_SIZE"], error_out=False)
    return render_template("backoffice/messages.html", page=page)


@bp.route("/messages/<int:message_id>", methods=["GET", "POST"])
@writes
@staff_required(StaffRole.POST_CLERK)
def message(message_id: int) -> ResponseReturnValue:
    found = get_owned_or_404(ContactMessage, message_id)
    form = ReplyForm()
    if form.validate_on_submit():
        reply(db.session, found, current_post(), form.body.data, current_post_staff(), utcnow())
        flash(_("Your answer was sent to %(email)s.", email=found.email), "success")
        return redirect(url_for(".message", message_id=found.id))
    if not form.is_submitted():
        mark_read(db.session, found, utcnow())
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/message.html", message=found, form=form,
                           action=ActionForm()), status


@bp.post("/messages/<int:message_id>/unread")
@staff_required(StaffRole.POST_CLERK)
def message_unread(message_id: int) -> ResponseReturnValue:
    found = get_owned_or_404(ContactMessage, message_id)
    if not ActionForm().validate_on_submit():
        abort(400, description=_("The form expired. Please try again."))
    mark_unread(found)
    flash(_("Marked as unread."), "success")
    return redirect(url_for(".messages"))
