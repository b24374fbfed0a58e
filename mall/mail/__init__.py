"""The one way mail leaves the mall: `send_mail`, or `send_templated_mail` for mail written
from a template in the reader's language.

The transport is configuration: "smtp" in production (SMTP_HOST, SMTP_PORT…), "outbox" in
development and tests, where messages are stored in the database and shown at the portal's
`/outbox` (see `mall.mail.views`).

Either way a message leaves only after the caller's transaction has committed: `send_mail`
records it in the transactional outbox (`mall.outbox`), whose dispatcher hands it to the
transport (the name "outbox" for the development transport is older than that package)."""

from mall.mail.sending import MailError, send_mail, send_templated_mail

__all__ = ["MailError", "send_mail", "send_templated_mail"]
