"""Exchange rates: ECB euro reference rates, the operator's own rates for currencies the ECB
does not publish, and conversion between any two of them through the euro.

Modules, one concept each:
`models` (stored rates, with date and source), `records` (what importers produce),
`ecb` (the ECB XML formats), `operator` (the operator's CSV), `services` (storing
imports), `conversion` (the in-memory `RateTable` used for prices) and `commands`
(`flask mall rates …`)."""
