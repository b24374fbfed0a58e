"""The mail module: the outbox transport stores, the SMTP transport speaks SMTP to a real
(tiny, local) server, mail templates are written in the reader's language, and header
injection is impossible. Mail leaves once its transaction has committed (the transactional
outbox, see tests/unit/test_outbox.py): each test commits inside its request context, whose
end carries the message out."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from flask import render_template
from flask_babel import get_locale
from sqlalchemy import select

from mall.extensions import db
from mall.mail import MailError, send_mail, send_templated_mail
from mall.mail.models import OutboxMessage
from mall.mail.views import linked_parts
from mall.outbox.models import OutboxTask, TaskState


def test_outbox_keeps_the_message(app):
    with app.test_request_context():
        send_mail("ana@example.org", "Hello", "Body text", "<p>Body</p>")
        db.session.commit()
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert (mail.recipient, mail.subject, mail.text_body, mail.html_body) == (
        "ana@example.org", "Hello", "Body text", "<p>Body</p>")
    assert mail.sender == app.config["MAIL_SENDER"]


def test_headers_cannot_be_injected(app):
    with app.test_request_context():
        send_mail("ana@example.org\r\nBcc: all@example.org", "Hi\r\nBcc: x@example.org", "Body")
        db.session.commit()
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert "\n" not in mail.recipient
    assert "\r" not in mail.subject


def test_templated_mail_is_written_in_the_readers_language(app, monkeypatch):
    seen = []

    def spy(template: str, **context):
        seen.append((template, str(get_locale())))
        return render_template(template, **context)

    monkeypatch.setattr("mall.mail.sending.render_template", spy)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        send_templated_mail(
            "ana@example.org", "password_reset", "Subject", "es",
            buyer=type("B", (), {"name": "Ana"})(), reset_url="http://x/", minutes=60,
        )
        db.session.commit()
        assert str(get_locale()) == "fr"  # the page's language is untouched afterwards
    assert seen == [("mail/password_reset.txt", "es")]
    body = db.session.scalars(select(OutboxMessage.text_body)).one()
    assert "Ana" in body
    assert "http://x/" in body


def test_unknown_transport_is_a_configuration_error(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "pigeon")
    with app.test_request_context(), pytest.raises(RuntimeError, match="MAIL_TRANSPORT"):
        send_mail("ana@example.org", "Hello", "Body")


def test_outbox_links_only_the_malls_own_addresses(app):
    with app.test_request_context():
        parts = linked_parts(
            "Open http://stamps.post.localhost:5000/account/reset/abc now, "
            "not http://evil.example/x."
        )
    assert parts == [
        ("Open ", False),
        ("http://stamps.post.localhost:5000/account/reset/abc", True),
        (" now, not http://evil.example/x.", False),
    ]


# --- SMTP -----------------------------------------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, accept one message, keep it."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 test\r\n")
            elif command.startswith("DATA"):
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.server.messages.append(data)  # type: ignore[attr-defined]
                self.wfile.write(b"250 kept\r\n")
            elif command.startswith("QUIT"):
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.server.commands.append(command)  # type: ignore[attr-defined]
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.TCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []  # type: ignore[attr-defined]
    server.commands = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_smtp_transport_sends_through_the_server(app, monkeypatch, smtp_server):
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "smtp")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", smtp_server.server_address[1])
    with app.test_request_context():
        send_mail("ana@example.org", "Hola", "Texto del mensaje", "<p>Texto</p>")
        db.session.commit()
    assert db.session.scalars(select(OutboxMessage)).all() == []
    [raw] = smtp_server.messages
    message = message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == "Hola"
    assert message["From"] == app.config["MAIL_SENDER"]
    assert message.get_body(("plain",)).get_content().strip() == "Texto del mensaje"
    assert message.get_body(("html",)).get_content().strip() == "<p>Texto</p>"
    assert any(command.startswith("RCPT TO:<ANA@EXAMPLE.ORG>") for command in smtp_server.commands)


def test_smtp_failure_is_a_mail_error_kept_for_a_retry(app, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "smtp")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    with app.test_request_context():
        send_mail("ana@example.org", "Hello", "Body")  # the request is not held up
        db.session.commit()
    task = db.session.scalars(select(OutboxTask)).one()
    assert (task.state, task.attempts) == (TaskState.PENDING, 1)
    assert task.last_error.startswith(MailError.__name__)
