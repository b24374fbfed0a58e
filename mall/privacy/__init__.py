"""Privacy a collector can see: what the mall keeps about a buyer (the page at
`/privacy`), a copy of all of it (`/account/privacy/export`), and the erasure of the
account that keeps only what the law and the ledger need (`/account/privacy/erase`).

Every feature that keeps a buyer's data describes it once, as a `PersonalData` in its own
package, and is listed in `sections.SECTIONS`; export and erasure only walk that list. A
test sweeps the tables: one that points at a buyer (or a buyer's visit) and is in no
section fails the suite."""
