"""A buyer's browser, minimal: one cookie jar per host, forms read from the HTML, over real
HTTP (against gunicorn) or through Flask's test client (to count SQL statements).

Cookies are kept by hand because the production configuration marks them Secure, and the
load test speaks plain HTTP on loopback: a standard jar would never send them back."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Protocol

import requests


@dataclass
class Reply:
    status: int
    text: str
    location: str
    cookies: dict[str, str]


class Transport(Protocol):
    def send(self, method: str, host: str, path: str, headers: dict[str, str],
             data: Mapping[str, Any] | None) -> Reply: ...


class HTTPTransport:
    """Requests to a server on loopback, with the mall's host names in the Host header."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.trust_env = False  # never a proxy on loopback

    def send(self, method: str, host: str, path: str, headers: dict[str, str],
             data: Mapping[str, Any] | None) -> Reply:
        response = self.session.request(
            method, self.base + path, headers={"Host": host, **headers}, data=data,
            allow_redirects=False, timeout=60)
        self.session.cookies.clear()
        return Reply(response.status_code, response.text, response.headers.get("Location", ""),
                     dict(response.cookies))


class TestClientTransport:
    """The same requests through the app in-process (Flask's test client)."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client(use_cookies=False)

    def send(self, method: str, host: str, path: str, headers: dict[str, str],
             data: Mapping[str, Any] | None) -> Reply:
        # Plain HTTP, as gunicorn is reached (the test client would default to the
        # production configuration's https, and CSRF would then demand a Referer).
        response = self.client.open(path, method=method, base_url=f"http://{host}",
                                    headers=headers, data=data)
        cookies = {}
        for header in response.headers.getlist("Set-Cookie"):
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        reply = Reply(response.status_code, response.get_data(as_text=True),
                      response.headers.get("Location", ""), cookies)
        response.close()
        return reply


class _Forms(HTMLParser):
    """Every form's action and its fields' values (inputs, checked radios, selects)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                self.forms[-1][1].setdefault(a["name"], "")
                return
            self.forms[-1][1][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            fields = self.forms[-1][1]
            if self._select not in fields or "selected" in a:
                fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def forms_of(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_key() -> str:
    """A fresh one-time key, as the page would have drawn into the form."""
    return secrets.token_urlsafe(18)


@dataclass
class Browser:
    """One visitor: cookies per host, sent back by hand."""

    transport: Transport
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)

    def cookie_header(self, host: str) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.get(host, {}).items())

    def request(self, method: str, host: str, path: str,
                data: Mapping[str, Any] | None = None) -> Reply:
        headers = {"Cookie": self.cookie_header(host)} if self.cookies.get(host) else {}
        reply = self.transport.send(method, host, path, headers, data)
        self.cookies.setdefault(host, {}).update(reply.cookies)
        return reply

    def get(self, host: str, path: str) -> Reply:
        return self.request("GET", host, path)

    def post(self, host: str, path: str, data: Mapping[str, Any]) -> Reply:
        return self.request("POST", host, path, data)

    def form(self, host: str, path: str, action: str) -> dict[str, str]:
        """The fields of the first form on `path` posting to `action` (a suffix)."""
        reply = self.get(host, path)
        for form_action, fields in forms_of(reply.text):
            if form_action.split("?")[0].endswith(action):
                return fields
        raise RuntimeError(f"no form to {action} on {host}{path} ({reply.status})")


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
