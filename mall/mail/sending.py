"""Building and handing over messages; see the package docstring for the transports."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, get_locale

from mall.extensions import db
from mall.mail.models import OutboxMessage

TRANSPORTS = ("outbox", "smtp")


class MailError(Exception):
    """The message could not be handed to the mail server."""


def _one_line(value: str) -> str:
    """Header values on one line: no header injection through a subject or an address."""
    return " ".join(str(value).split())


def send_mail(to: str, subject: str, text_body: str, html_body: str | None = None) -> None:
    """Send one message to one address with the configured transport.

    With the outbox the message is added to the current database session (the request
    commits it with everything else); with SMTP it leaves at once. Raises MailError when the
    SMTP server cannot be reached or refuses the message."""
    config = current_app.config
    transport = config["MAIL_TRANSPORT"]
    sender, to, subject = _one_line(config["MAIL_SENDER"]), _one_line(to), _one_line(subject)
    if transport == "outbox":
        db.session.add(
            OutboxMessage(
                sender=sender, recipient=to, subject=subject[:255],
                text_body=text_body, html_body=html_body,
            )
        )
        db.session.flush()
        current_app.logger.info("mail to %s kept in the outbox: %s", to, subject)
    elif transport == "smtp":
        _send_smtp(_message(sender, to, subject, text_body, html_body))
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
    sender: str, to: str, subject: str, text_body: str, html_body: str | None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["DOMAIN"])
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
