"""The operator's books: a double-entry ledger, per currency.

Every money event (a paid order, a refund, a payout, a fee, money at the desk that does not
match) is one `LedgerTransaction` whose entries sum to zero in each currency, written in the
database transaction of the event itself. Entries are never changed or deleted — the
database refuses it — so a mistake is corrected by a new transaction. Reports (statements,
the trial balance, a post's payable) are read from entries, never re-derived from orders.
"""
