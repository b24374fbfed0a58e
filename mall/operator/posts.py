"""A post at the operator's desk: its verification, the names its storefront answers on,
and whether it is open — go live, suspend, reopen. `mall.posts` decides; these views ask."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from mall.audit.services import record
from mall.extensions import db
from mall.operator.auth import current_operator, operator_required
from mall.operator.forms import ConfirmForm
from mall.operator.views import bp
from mall.posts.models import Post, PostStatus
from mall.posts.name_forms import NameForm, refusal_message
from mall.posts.names import NameRefused, Refusal, names_of, register_name, remove_name
from mall.posts.services import CannotGoLive, go_live, suspend
from mall.rates.conversion import load_rate_table


def _post(code: str) -> Post:
    return db.session.scalar(select(Post).where(Post.code == code.lower()[:2])) or abort(404)


@bp.get("/posts/<code>")
@operator_required
def post(code: str) -> ResponseReturnValue:
    return _page(_post(code), NameForm(), 200)


def _page(post: Post, form: NameForm, status: int) -> ResponseReturnValue:
    return render_template("operator/post.html", post=post, form=form, confirm=ConfirmForm(),
                           names=names_of(db.session, post),
                           domain=current_app.config["DOMAIN"]), status


@bp.post("/posts/<code>/names")
@operator_required
def add_name(code: str) -> ResponseReturnValue:
    post = _post(code)
    form = NameForm()
    if not form.validate_on_submit():
        return _page(post, form, 400)
    try:
        host = register_name(db.session, post, form.name.data or "", current_app.config["DOMAIN"])
    except NameRefused as refused:
        db.session.rollback()
        form.name.errors.append(refusal_message(refused.refusal))
        return _page(post, form, 409 if refused.refusal is Refusal.TAKEN else 400)
    record(db.session, current_operator(), "post.name_add", post, after={"name": host.name})
    flash(_("%(name)s now leads to %(post)s's storefront.", name=host.name,
            post=post.code.upper()), "success")
    return redirect(url_for("operator.post", code=post.code))


@bp.post("/posts/<code>/names/<int:host_id>/remove")
@operator_required
def drop_name(code: str, host_id: int) -> ResponseReturnValue:
    post = _post(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        host = remove_name(db.session, post, host_id)
    except NameRefused as refused:
        flash(refusal_message(refused.refusal), "error")
        return redirect(url_for("operator.post", code=post.code))
    if host is None:
        abort(404)
    record(db.session, current_operator(), "post.name_remove", post, before={"name": host.name})
    flash(_("%(name)s no longer leads to this storefront.", name=host.name), "success")
    return redirect(url_for("operator.post", code=post.code))


@bp.post("/posts/<code>/live")
@operator_required
def open_post(code: str) -> ResponseReturnValue:
    """Go live, or reopen after a suspension."""
    post = _post(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if post.status is not PostStatus.LIVE:  # a replayed click changes nothing
        record(db.session, current_operator(), "post.go_live", post,
               before={"status": post.status}, after={"status": PostStatus.LIVE})
    try:
        go_live(db.session, post, load_rate_table(db.session))
    except CannotGoLive as refused:
        flash(refused.reason, "error")
        return _page(post, NameForm(), 409)
    flash(_("%(post)s's storefront is open.", post=post.code.upper()), "success")
    return redirect(url_for("operator.post", code=post.code))


@bp.post("/posts/<code>/suspend")
@operator_required
def suspend_post(code: str) -> ResponseReturnValue:
    post = _post(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if suspend(db.session, post):
        record(db.session, current_operator(), "post.suspend", post,
               before={"status": "live"}, after={"status": post.status})
        flash(_("%(post)s's storefront is closed. Its open orders are still shipped and "
                "settled.", post=post.code.upper()), "success")
    else:
        flash(_("Only a live storefront can be suspended."), "info")
    return redirect(url_for("operator.post", code=post.code))
