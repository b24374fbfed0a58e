"""The collector's alerts, at the portal: following from a link on any storefront page, the
list of follows, and stopping every alert from the link in a mail without signing in."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mall.accounts.models import Buyer
from mall.alerts.forms import ConfirmForm, FollowForm
from mall.alerts.models import Frequency
from mall.alerts.services import (
    buyer_for_token,
    find_target,
    follow,
    follows_of,
    own_follow,
    stop_all,
)
from mall.alerts.wants import own_want, sellable_product, want, wants_of
from mall.extensions import db
from mall.i18n import localized

bp = Blueprint("alerts", __name__)


def _buyer() -> Buyer:
    return current_user._get_current_object()


@bp.get("/account/alerts")
@login_required
def index() -> ResponseReturnValue:
    buyer = _buyer()
    return render_template("alerts/index.html", follows=follows_of(db.session, buyer),
                           wants=wants_of(db.session, buyer), form=FollowForm(),
                           confirm=ConfirmForm())


@bp.route("/account/alerts/follow/<kind>/<ref>", methods=["GET", "POST"])
@login_required
def follow_target(kind: str, ref: str) -> ResponseReturnValue:
    """What a "Follow" link on a storefront opens: the choice of how often, then saved."""
    target = find_target(db.session, kind, ref)
    if target is None:
        abort(404, description=_("There is nothing to follow at this address."))
    form = FollowForm()
    if form.validate_on_submit():
        created = follow(db.session, _buyer(), target, Frequency(form.frequency.data))
        name = localized(target.name)
        flash(_("You follow %(name)s: new issues will be mailed to you.", name=name)
              if created else _("Saved: how often you hear of %(name)s.", name=name), "success")
        return redirect(url_for(".index"))
    status = 400 if form.is_submitted() else 200
    return render_template("alerts/follow.html", target=target, form=form), status


@bp.post("/account/alerts/<int:follow_id>")
@login_required
def change(follow_id: int) -> ResponseReturnValue:
    found = own_follow(db.session, _buyer(), follow_id)
    if found is None:
        abort(404, description=_("You do not follow this."))
    form = FollowForm()
    if not form.validate_on_submit():
        abort(400, description=_("Choose how often you want to hear of new issues."))
    found.frequency = Frequency(form.frequency.data)
    flash(_("Saved."), "success")
    return redirect(url_for(".index"))


@bp.post("/account/alerts/<int:follow_id>/unfollow")
@login_required
def unfollow(follow_id: int) -> ResponseReturnValue:
    found = own_follow(db.session, _buyer(), follow_id)
    if found is None:
        abort(404, description=_("You do not follow this."))
    if not ConfirmForm().validate_on_submit():
        abort(400, description=_("The form expired. Please try again."))
    db.session.delete(found)
    flash(_("You no longer follow it."), "success")
    return redirect(url_for(".index"))


@bp.route("/account/wants/add/<int:product_id>", methods=["GET", "POST"])
@login_required
def want_product(product_id: int) -> ResponseReturnValue:
    """What "Tell me when it is back" opens: a confirmation, then on the want list."""
    product = sellable_product(db.session, product_id)
    if product is None:
        abort(404, description=_("This stamp is not on sale here."))
    form = ConfirmForm()
    if form.validate_on_submit():
        want(db.session, _buyer(), product)
        flash(_("On your want list: you will get a mail when it is back in stock."), "success")
        return redirect(url_for(".index") + "#wants")
    status = 400 if form.is_submitted() else 200
    return render_template("alerts/want.html", product=product, form=form), status


@bp.post("/account/wants/<int:want_id>/remove")
@login_required
def remove_want(want_id: int) -> ResponseReturnValue:
    found = own_want(db.session, _buyer(), want_id)
    if found is None:
        abort(404, description=_("This is not on your want list."))
    if not ConfirmForm().validate_on_submit():
        abort(400, description=_("The form expired. Please try again."))
    db.session.delete(found)
    flash(_("Removed from your want list."), "success")
    return redirect(url_for(".index") + "#wants")


@bp.route("/alerts/stop/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> ResponseReturnValue:
    """The link in every alert: stops them all, without signing in, after one button (so
    that a mail scanner opening the link stops nothing)."""
    buyer = buyer_for_token(db.session, token)
    if buyer is None:
        abort(404, description=_("This link is not valid."))
    if request.method == "POST":
        stop_all(db.session, buyer)
        return render_template("alerts/stopped.html")
    return render_template("alerts/stop.html", confirm=ConfirmForm())
