"""The transactional outbox: side effects (mail, Stripe calls) recorded in the request's
transaction and carried out after it commits.

`enqueue` writes a `OutboxTask` row with the rest of the transaction; a rollback takes the
row with it, so nothing is sent for work that did not happen. Once the transaction has
committed, `mall.outbox.dispatch` runs the rows it wrote (in-process, after the request or
the CLI command), and `flask mall outbox run` (cron, or a worker) runs whatever is left: a
handler that failed is retried with a growing delay, then marked failed with its error."""

from mall.outbox.services import enqueue

__all__ = ["enqueue"]
