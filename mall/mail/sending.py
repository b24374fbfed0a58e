"""Building and handing over messages; see the package docstring for the transports."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from sqlalchemy.orm import Session

from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.outbox import enqueue

TRANSPORTS = ("outbox", "smtp")


class MailError(Exception):
    """The message could not be handed to the mail server."""


def _one_line(value: str) -> str:
    """Header values on one line: no header injection through a subject or an address."""
    return " ".join(str(value).split())


def send_mail(to: str, subject: str, text_body: str, html_body: str | None = None) -> None:
    """Send one message to one address, once the current transaction has committed.

    The message is recorded in the outbox (`mall.outbox`) with the caller's transaction, so
    a request that rolls back sends nothing, and slow SMTP never holds the transaction's
    locks; it is handed to the configured transport right after the commit, and retried
    when that fails. Raises RuntimeError for an unknown MAIL_TRANSPORT (a set-up error)."""
    config = current_app.config
    transport = config["MAIL_TRANSPORT"]
    if transport not in TRANSPORTS:
        raise RuntimeError(f"MAIL_TRANSPORT must be one of {TRANSPORTS}, not {transport!r}")
    sender, to, subject = _one_line(config["MAIL_SENDER"]), _one_line(to), _one_line(subject)
    payload = {
        "sender": sender, "to": to, "subject": subject[:255],
        "text_body": text_body, "html_body": html_body,
    }
    enqueue(db.session, "mail", payload)


def deliver_task(session: Session, task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler of "mail": hand the message to the transport configured now.
    With "outbox" it is stored in the same transaction that marks the task done (so it is
    kept exactly once); with SMTP its Message-ID is derived from the task, so that a resend
    after a crash is recognisable. Raises MailError when the SMTP server fails."""
    transport = current_app.config["MAIL_TRANSPORT"]
    to, subject = payload["to"], payload["subject"]
    if transport == "outbox":
        session.add(
            OutboxMessage(
                sender=payload["sender"], recipient=to, subject=subject,
                text_body=payload["text_body"], html_body=payload["html_body"],
            )
        )
        session.flush()
        current_app.logger.info("mail to %s kept in the outbox: %s", to, subject)
    elif transport == "smtp":
        _send_smtp(
            _message(payload["sender"], to, subject, payload["text_body"], payload["html_body"],
                     message_id=f"outbox-{task_id}")
        )
    else:
        raise RuntimeError(f"MAIL_TRANSPORT must be one of {TRANSPORTS}, not {transport!r}")


def send_templated_mail(
    to: str, template: str, subject: Any, locale: str | None = None, **context: Any
) -> None:
    """Render `templates/mail/<template>.txt` and the (lazy) `subject` in `locale` — the
    reader's language, not necessarily the page's — and send them."""
    chosen = locale or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    with force_locale(chosen):
        text_body = render_template(f"mail/{template}.txt", **context)
        subject_text = str(subject)
    send_mail(to, subject_text, text_body)


def _message(
    sender: str, to: str, subject: str, text_body: str, html_body: str | None, message_id: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(message_id, domain=current_app.config["DOMAIN"])
    message.set_content(text_body)
    if html_body is not None:
        message.add_alternative(html_body, subtype="html")
    return message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    try:
        with smtplib.SMTP(
            config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=config["SMTP_TIMEOUT"]
        ) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.error("mail to %s not sent: %s", message["To"], error)
        raise MailError(str(error)) from error
