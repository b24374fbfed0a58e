"""Security headers on every response: the .POST promise is a visibly safe shop."""

from __future__ import annotations

from flask import Flask, Response, current_app, request


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def content_security_policy() -> str:
    """Same-origin everything; forms may also land on another mall host, because a form
    posted to a storefront can redirect to the portal (Chrome checks form-action on
    redirects)."""
    config = current_app.config
    scheme = request.scheme
    port = f":{config['PUBLIC_PORT']}" if config["PUBLIC_PORT"] else ""
    mall_hosts = f"{scheme}://*.{config['DOMAIN']}{port}"
    directives = {
        "default-src": "'self'",
        "img-src": "'self' data:",
        "style-src": "'self'",
        "script-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": f"'self' {mall_hosts}",
    }
    directives.update(config.get("CSP_EXTRA", {}))
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        seconds = current_app.config["HSTS_SECONDS"]
        headers.setdefault("Strict-Transport-Security", f"max-age={seconds}; includeSubDomains")
    return response
