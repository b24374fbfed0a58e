"""Card payments: the `PaymentProvider` interface checkout speaks, and its Stripe adapter.

Modules, one concept each: `provider` (the interface, its results and errors),
`stripe_units` (`Money` to Stripe's integer amounts and back), `stripe_gateway` (the Stripe
adapter, one `StripeClient`), `webhooks` (verifying Stripe's signed events, recording each
once) and `models` (the processed events)."""
