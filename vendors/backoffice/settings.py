"""The storefront's settings, for its managers."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from mall.extensions import db
from mall.i18n import LANGUAGE_NAMES
from mall.media.images import ImageRefused, remove_image, store_image
from mall.media.storage import storage
from mall.operator.models import StaffRole
from mall.posts.settings import SettingsRefused, StorefrontSettings, settings_of, update_settings
from mall.tenancy import current_post
from vendors.backoffice.access import staff_required
from vendors.backoffice.blueprint import bp
from vendors.backoffice.forms import ActionForm, PictureForm, settings_form


@bp.route("/settings", methods=["GET", "POST"])
@staff_required(StaffRole.POST_MANAGER)
def settings() -> ResponseReturnValue:
    post = current_post()
    languages = dict(LANGUAGE_NAMES)
    form = settings_form(languages, data=_form_data(settings_of(post), languages)
                         if request.method == "GET" else None)
    if form.validate_on_submit():
        values = StorefrontSettings(
            locales=list(form.locales.data), default_locale=form.default_locale.data,
            shop_name={code: form[f"shop_name_{code}"].data or "" for code in languages},
            tagline={code: form[f"tagline_{code}"].data or "" for code in languages},
            primary_color=form.primary_color.data, accent_color=form.accent_color.data,
            email=form.email.data or "", phone=form.phone.data or "",
            address=form.address.data or "",
        )
        try:
            update_settings(db.session, post, values, set(languages))
        except SettingsRefused as refused:
            target = getattr(form, refused.field, None)
            errors = target.errors if target is not None else form.form_errors
            errors.append(str(refused.message))
        else:
            flash(_("The shop's settings are saved."), "success")
            return redirect(url_for(".settings"))
    return render_template("backoffice/settings.html", form=form, languages=languages,
                           post=post, picture=PictureForm(), action=ActionForm(),
                           ), 400 if form.is_submitted() else 200


def _form_data(values: StorefrontSettings, languages: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "locales": values.locales, "default_locale": values.default_locale,
        "primary_color": values.primary_color, "accent_color": values.accent_color,
        "email": values.email, "phone": values.phone, "address": values.address,
    }
    for code in languages:
        data[f"shop_name_{code}"] = values.shop_name.get(code, "")
        data[f"tagline_{code}"] = values.tagline.get(code, "")
    return data


@bp.post("/settings/logo")
@staff_required(StaffRole.POST_MANAGER)
def logo() -> ResponseReturnValue:
    """Upload (or, with `remove`, take away) the shop's logo."""
    post = current_post()
    form = PictureForm()
    if not form.validate_on_submit() and not request.form.get("remove"):
        abort(400, description=_("Choose a picture to upload."))
    if request.form.get("remove"):
        if not ActionForm().validate_on_submit():
            abort(400, description=_("The form expired. Please try again."))
        remove_image(post.logo_key, storage())
        post.logo_key = None
        flash(_("The logo is removed: the shop shows its emblem again."), "success")
        return redirect(url_for(".settings"))
    try:
        stored = store_image(form.picture.data.read(int(current_app.config["MEDIA_MAX_BYTES"]) + 1),
                             storage(), int(current_app.config["MEDIA_MAX_BYTES"]))
    except ImageRefused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for(".settings"))
    remove_image(post.logo_key, storage())
    post.logo_key = stored.key
    flash(_("The logo is saved."), "success")
    return redirect(url_for(".settings"))
