"""Checkout at the portal: one cart across every post, one order, one payment.

Modules, one concept each: `forms`, `services` (the glue between the cart, shipping, the
quote and placement; pricing the review exactly as the order will be), `models` (the card
payment attempts of an order), `payments` (the card flow and Stripe's webhook events),
`views` (the checkout steps), `order_views` (the buyer's order pages, paying, receipts and
history) and `webhook_views` (Stripe's endpoint)."""
