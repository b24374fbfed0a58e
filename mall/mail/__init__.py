"""The one way mail leaves the mall: `send_mail`, or `send_templated_mail` for mail written
from a template in the reader's language.

The transport is configuration: "smtp" in production (SMTP_HOST, SMTP_PORT…), "outbox" in
development and tests, where messages are stored in the database and shown at the portal's
`/outbox` (see `mall.mail.views`)."""

from mall.mail.sending import MailError, send_mail, send_templated_mail

__all__ = ["MailError", "send_mail", "send_templated_mail"]
