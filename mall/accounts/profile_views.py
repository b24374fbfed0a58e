"""The buyer's profile and address book, at the portal. Every query here is filtered by the
signed-in buyer: another buyer's address is a 404, not a 403 that confirms it exists."""

from __future__ import annotations

from babel.numbers import get_currency_name
from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from mall.accounts.forms import AddressForm, ProfileForm, country_choices, locale_choices
from mall.accounts.models import Address, Buyer
from mall.extensions import db
from mall.rates.conversion import available_currencies, load_rate_table
from mall.visitors.context import current_visitor

bp = Blueprint("profile", __name__, url_prefix="/account")

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code", "region", "country", "phone")


@bp.before_request
@login_required
def signed_in_only() -> None:
    """Every page here is the signed-in buyer's own."""


def _buyer() -> Buyer:
    return current_user._get_current_object()


def currency_choices(current: str | None) -> list[tuple[str, str]]:
    """Every currency prices can be shown in (those with a rate), named in the page's
    language; the buyer's current choice stays listed even if its rate went away."""
    codes = set(available_currencies(load_rate_table(db.session)))
    if current:
        codes |= {current}
    locale = str(get_locale() or "en")
    named = sorted((code, f"{code} — {get_currency_name(code, locale=locale)}") for code in codes)
    return [("", _("As each shop prices"))] + named


@bp.route("/", methods=["GET", "POST"])
def show() -> ResponseReturnValue:
    buyer = _buyer()
    form = ProfileForm(obj=buyer)
    form.country.choices = country_choices(blank=_("Not set"))
    form.preferred_locale.choices = locale_choices()
    form.preferred_currency.choices = currency_choices(buyer.preferred_currency)
    if form.validate_on_submit():
        buyer.name = form.name.data
        buyer.country = form.country.data or None
        buyer.preferred_locale = form.preferred_locale.data or None
        buyer.preferred_currency = form.preferred_currency.data or None
        if buyer.preferred_locale:
            session.pop("locale", None)  # the profile's choice replaces this host's switch
        visitor = current_visitor()
        if visitor is not None and buyer.preferred_currency:
            visitor.currency = buyer.preferred_currency
        flash(_("Your profile is saved."), "success")
        return redirect(url_for(".show"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/profile.html", form=form, buyer=buyer), status


@bp.get("/addresses")
def addresses() -> ResponseReturnValue:
    return render_template(
        "accounts/addresses.html",
        addresses=_buyer().addresses,
        country_names=dict(country_choices()),
    )


@bp.route("/addresses/new", methods=["GET", "POST"])
def new_address() -> ResponseReturnValue:
    buyer = _buyer()
    form = AddressForm(data={"name": buyer.name, "country": buyer.country or ""})
    form.country.choices = country_choices(blank=_("Choose a country"))
    if form.validate_on_submit():
        address = Address(buyer_id=buyer.id)
        _fill(address, form)
        db.session.add(address)
        flash(_("The address is added."), "success")
        return redirect(url_for(".addresses"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/address_form.html", form=form, address=None), status


@bp.route("/addresses/<int:address_id>", methods=["GET", "POST"])
def edit_address(address_id: int) -> ResponseReturnValue:
    address = _own_address(address_id)
    form = AddressForm(obj=address)
    form.country.choices = country_choices(blank=_("Choose a country"))
    if form.validate_on_submit():
        _fill(address, form)
        flash(_("The address is saved."), "success")
        return redirect(url_for(".addresses"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/address_form.html", form=form, address=address), status


@bp.post("/addresses/<int:address_id>/delete")
def delete_address(address_id: int) -> ResponseReturnValue:
    db.session.delete(_own_address(address_id))
    flash(_("The address is deleted."), "success")
    return redirect(url_for(".addresses"))


def _fill(address: Address, form: AddressForm) -> None:
    for name in ADDRESS_FIELDS:
        setattr(address, name, getattr(form, name).data or "")


def _own_address(address_id: int) -> Address:
    address = db.session.scalar(
        select(Address).where(Address.id == address_id, Address.buyer_id == _buyer().id)
    )
    if address is None:
        raise NotFound(_("There is no such address in your address book."))
    return address
