"""The names the post's storefront answers on, for its managers: its `stamps.<cc>` and the
extra names it registers (`mall.posts.names` decides what may be taken)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from mall.extensions import db
from mall.operator.models import StaffRole
from mall.posts.name_forms import NameForm, refusal_message
from mall.posts.names import NameRefused, Refusal, names_of, register_name, remove_name
from mall.tenancy import current_post
from vendors.backoffice.access import staff_required
from vendors.backoffice.blueprint import bp
from vendors.backoffice.forms import ActionForm


@bp.route("/settings/names", methods=["GET", "POST"])
@staff_required(StaffRole.POST_MANAGER)
def names() -> ResponseReturnValue:
    post = current_post()
    form = NameForm()
    status = 200
    if form.validate_on_submit():
        try:
            host = register_name(db.session, post, form.name.data or "",
                                 current_app.config["DOMAIN"])
        except NameRefused as refused:
            db.session.rollback()
            form.name.errors.append(refusal_message(refused.refusal))
            status = 409 if refused.refusal is Refusal.TAKEN else 400
        else:
            flash(_("%(name)s now leads to your storefront.", name=host.name), "success")
            return redirect(url_for(".names"))
    elif form.is_submitted():
        status = 400
    return render_template("backoffice/names.html", form=form, action=ActionForm(),
                           names=names_of(db.session, post),
                           domain=current_app.config["DOMAIN"]), status


@bp.post("/settings/names/<int:host_id>/remove")
@staff_required(StaffRole.POST_MANAGER)
def remove_host_name(host_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        host = remove_name(db.session, current_post(), host_id)
    except NameRefused as refused:
        flash(refusal_message(refused.refusal), "error")
        return redirect(url_for(".names"))
    if host is None:
        abort(404)
    flash(_("%(name)s no longer leads to your storefront.", name=host.name), "success")
    return redirect(url_for(".names"))
