"""Signing up, in and out, and passwords, at the portal (`stamps.<domain>/account/...`).

Sign-out is the exception: it answers on every host, so the form on a storefront posts to
its own host (Flask-WTF's referrer check refuses a form posted across hosts over HTTPS)."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mall.accounts.devices import is_known_device, remember_device, unlocked_key
from mall.accounts.forms import (
    ChangePasswordForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignInForm,
)
from mall.accounts.lockout import mail_unlock_link, throttled_page
from mall.accounts.services import (
    EmailTaken,
    SignInFailed,
    authenticate,
    change_password,
    find_buyer,
    normalize_email,
    register_buyer,
    request_password_reset,
    reset_password,
    sign_out,
)
from mall.accounts.signing import (
    client_address,
    end_session,
    next_url,
    refresh_session,
    safe_next,
    start_session,
)
from mall.accounts.throttling import Throttled
from mall.accounts.tokens import ResetTokenInvalid, buyer_for_reset_token, make_reset_token
from mall.columns import utcnow
from mall.extensions import db, login_manager
from mall.forms import MallForm
from mall.hosts import ANY_SITE
from mall.i18n import lazy_translate as _l
from mall.mail import MailError, send_templated_mail
from mall.operator.auth import STAFF_PREFIX, find_staff
from mall.transaction import keep_changes
from mall.visitors.context import current_visitor

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.record_once
def configure_login(_state: BlueprintSetupState) -> None:
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the flash holds text, not a lazy string


@bp.before_app_request
def use_the_buyers_language() -> None:
    """A signed-in buyer's preferred language, for `mall.i18n.select_locale`."""
    if current_user.is_authenticated and current_user.preferred_locale:
        g.buyer_locale = current_user.preferred_locale


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    goal = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url(goal))  # already signed in: just link the asking host
    form = SignInForm()
    if form.validate_on_submit():
        now = utcnow()
        key = normalize_email(form.email.data)
        try:
            buyer = authenticate(
                db.session, form.email.data, form.password.data, client_address(), now,
                known_device=is_known_device(key),
            )
        except Throttled as throttled:
            owner = find_buyer(db.session, key) if throttled.account_locked else None
            if owner is not None:
                mail_unlock_link(db.session, key, owner.email, owner.password_hash,
                                 owner.preferred_locale, client_address(), now)
            return throttled_page("accounts/sign_in.html", form, throttled, now, goal=goal)
        except SignInFailed:
            keep_changes()  # the failure counts
            form.form_errors.append(_("That email address and password do not match."))
            return render_template("accounts/sign_in.html", form=form, goal=goal), 400
        start_session(buyer, remember=form.remember.data, now=now)
        remember_device(key)
        return _go_on(goal, _("Welcome back, %(name)s.", name=buyer.name))
    return _form_page("accounts/sign_in.html", form, goal=goal)


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    goal = safe_next(request.args.get("next"))
    form = RegisterForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            buyer = register_buyer(
                db.session,
                email=form.email.data,
                password=form.password.data,
                name=form.name.data,
                address=client_address(),
                now=now,
            )
        except Throttled as throttled:
            return throttled_page("accounts/register.html", form, throttled, now, goal=goal)
        except EmailTaken:
            keep_changes()  # the refusal counts against this address
            form.email.errors.append(
                _("An account with this email address exists already. Sign in, or reset "
                  "its password.")
            )
            return render_template("accounts/register.html", form=form, goal=goal), 400
        _mail(buyer.email, "welcome", _l("Welcome to stamps.post"), buyer.preferred_locale,
              buyer=buyer, profile_url=url_for("profile.show", _external=True))
        start_session(buyer, remember=form.remember.data, now=now)
        return _go_on(goal, _("Welcome, %(name)s: your account is ready.", name=buyer.name))
    return _form_page("accounts/register.html", form, goal=goal)


@bp.post("/sign-out", subdomain=ANY_SITE, endpoint="sign_out")
def sign_out_everywhere(site: str) -> ResponseReturnValue:
    """Sign out on this host, every other host and every other browser (see
    `mall.accounts.services.sign_out`). Replaying the form changes nothing more."""
    if current_user.is_authenticated:
        sign_out(db.session, current_visitor(), current_user._get_current_object(), utcnow())
        end_session()
        flash(_("You are signed out, on every shop of the mall."), "success")
    else:
        end_session()  # a replay, or signed out elsewhere: still leave nothing behind
    return redirect("/")


@bp.get("/unlock/<token>", subdomain=ANY_SITE, endpoint="unlock")
def unlock(site: str, token: str) -> ResponseReturnValue:
    """The mailed link: this browser becomes known to the account (buyer's or staff's), so
    its owner can sign in while strangers stay throttled."""
    key = unlocked_key(token, lambda key: _password_hash_of(key))
    if key is None:
        return render_template("accounts/unlock_invalid.html"), 400
    remember_device(key)
    flash(_("This browser is recognised now: sign in as usual."), "success")
    return redirect("/")


def _password_hash_of(key: str) -> str | None:
    if key.startswith(STAFF_PREFIX):
        staff = find_staff(db.session, key.removeprefix(STAFF_PREFIX))
        return staff.password_hash if staff is not None else None
    buyer = find_buyer(db.session, key)
    return buyer.password_hash if buyer is not None else None


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    buyer = current_user._get_current_object()
    form = ChangePasswordForm(email=buyer.email)
    if form.validate_on_submit():
        now = utcnow()
        try:
            change_password(
                db.session, buyer, current=form.current.data, new=form.password.data,
                visitor=current_visitor(), address=client_address(), now=now,
            )
        except Throttled as throttled:
            return throttled_page("accounts/password.html", form, throttled, now)
        except SignInFailed:
            keep_changes()  # the attempt counts
            form.current.errors.append(_("That is not your current password."))
            return render_template("accounts/password.html", form=form), 400
        refresh_session(buyer)
        _mail(buyer.email, "password_changed", _l("Your stamps.post password was changed"),
              buyer.preferred_locale, buyer=buyer,
              reset_url=url_for("accounts.reset_request", _external=True))
        flash(_("Your password is changed. You stay signed in here; everywhere else you "
                "have been signed out."), "success")
        return redirect(url_for("profile.show"))
    return _form_page("accounts/password.html", form)


@bp.route("/reset", methods=["GET", "POST"])
def reset_request() -> ResponseReturnValue:
    form = ResetRequestForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            buyer = request_password_reset(db.session, form.email.data, client_address(), now)
        except Throttled as throttled:
            return throttled_page("accounts/reset_request.html", form, throttled, now)
        if buyer is not None:
            _mail(buyer.email, "password_reset", _l("Choose a new stamps.post password"),
                  buyer.preferred_locale, buyer=buyer, minutes=_reset_minutes(),
                  reset_url=url_for("accounts.reset_password", token=make_reset_token(buyer),
                                    _external=True))
        flash(_("If an account exists for %(email)s, we have sent it a link to choose a new "
                "password. The link works for %(minutes)d minutes.",
                email=form.email.data, minutes=_reset_minutes()), "success")
        return redirect(url_for("accounts.sign_in"))
    return _form_page("accounts/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"], endpoint="reset_password")
def reset_password_with_token(token: str) -> ResponseReturnValue:
    try:
        buyer = buyer_for_reset_token(db.session, token)
    except ResetTokenInvalid as invalid:
        current_app.logger.info("password reset link refused: %s", invalid.reason)
        return render_template("accounts/reset_invalid.html"), 400
    form = ResetPasswordForm(email=buyer.email)
    if form.validate_on_submit():
        reset_password(db.session, buyer, form.password.data, client_address(), utcnow())
        flash(_("Your new password is set, and every earlier sign-in has ended. Please sign "
                "in."), "success")
        return redirect(url_for("accounts.sign_in"))
    return _form_page("accounts/reset_password.html", form, token=token)



def _form_page(template: str, form: MallForm, **context: Any) -> ResponseReturnValue:
    """The form, as a first view (200) or back with its errors (400), nothing lost."""
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200


def _go_on(goal: str | None, welcome: str) -> ResponseReturnValue:
    target = next_url(goal)
    if target.startswith("/"):  # staying at the portal: greet here (a storefront would not see it)
        flash(welcome, "success")
    return redirect(target)


def _mail(to: str, template: str, subject: Any, locale: str | None, **context: Any) -> None:
    """Mail that must not stop the request: a failure is logged (by `send_mail`) and the
    page answers as it would have (a reset request must say the same in every case)."""
    with contextlib.suppress(MailError):
        send_templated_mail(to, template, subject, locale, **context)


def _reset_minutes() -> int:
    return current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
