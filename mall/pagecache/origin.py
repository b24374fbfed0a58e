"""CSRF for the forms of shared pages, by where the browser says the form comes from.

A shared page carries no CSRF token (`mall.pagecache.rendering`), so its two forms — add
to cart and the display currency — are accepted when the browser proves the post comes
from a page of this same host: `Sec-Fetch-Site: same-origin` (Fetch Metadata, sent by
every current browser), else an `Origin` header equal to this host's origin (sent with
every form post since 2020). `same-site` is not enough: every `.post` host is its own site
to the mall, but `*.localhost` hosts are one site to a browser. A browser that sends
neither header still passes with a valid token (pages drawn for a linked visitor or a
signed-in buyer carry one); without either it is refused with the reason. This is the
check Go's `net/http.CrossOriginProtection` makes, and the one OWASP lists next to tokens.

Every other form of the mall keeps Flask-WTF's token."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _

from mall.extensions import csrf

#: Endpoints whose forms shared pages carry.
FORM_ENDPOINTS = ("cart.add", "currency.set_currency")


def init_app(app: Flask) -> None:
    for endpoint in FORM_ENDPOINTS:
        csrf.exempt(app.view_functions[endpoint])
    app.before_request(check_form_origin)


def comes_from_this_host() -> bool | None:
    """True when the browser says the request comes from this host's pages, False when it
    says it comes from elsewhere, None when it says nothing."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == f"{request.scheme}://{request.host}"
    return None


def check_form_origin() -> None:
    if request.method != "POST" or request.endpoint not in FORM_ENDPOINTS:
        return
    verdict = comes_from_this_host()
    if verdict is False:
        abort(400, description=_(
            "This form was sent from another site. Please use the form on this shop's page."
        ))
    if verdict is None:
        if not request.form.get("csrf_token"):
            abort(400, description=_(
                "Your browser did not say which page this form was sent from. Please update "
                "your browser or allow it to send the Origin header, then try again."
            ))
        csrf.protect()
