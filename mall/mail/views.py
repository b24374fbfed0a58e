"""The outbox at the portal: where development and the demo read the mall's mail.

It exists only while MAIL_TRANSPORT is "outbox" and MAIL_OUTBOX_PAGE is on (never in
production, where it would show anyone the password-reset links); otherwise a 404."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from mall.extensions import db
from mall.hosts import is_mall_host
from mall.mail.models import OutboxMessage

bp = Blueprint("outbox", __name__)

_URL = re.compile(r"https?://[^\s<>\"']+")


def outbox_visible() -> bool:
    config = current_app.config
    return config["MAIL_TRANSPORT"] == "outbox" and bool(config.get("MAIL_OUTBOX_PAGE"))


@bp.before_request
def only_with_the_outbox_transport() -> None:
    if not outbox_visible():
        abort(404)


@bp.app_context_processor
def outbox_link() -> dict[str, object]:
    """`outbox_url`, for pages that tell the reader a mail is on its way (None when the
    mall really sends mail)."""
    return {"outbox_url": url_for("outbox.index") if outbox_visible() else None}


@bp.get("/outbox")
def index() -> ResponseReturnValue:
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)
    )
    return render_template("mail/outbox.html", messages=list(messages))


@bp.get("/outbox/<int:message_id>")
def message(message_id: int) -> ResponseReturnValue:
    mail = db.get_or_404(OutboxMessage, message_id)
    parts = linked_parts(mail.text_body)
    return render_template("mail/outbox_message.html", mail=mail, parts=parts)


def linked_parts(text: str) -> list[tuple[str, bool]]:
    """The body as (text, is_link) pieces: links to the mall's own hosts become clickable,
    anything else stays text."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        if not is_mall_host(urlsplit(url).netloc):
            continue
        parts.append((text[position : match.start()], False))
        parts.append((url, True))
        position = match.end()
    parts.append((text[position:], False))
    return [part for part in parts if part[0]]
