"""One cart per buyer across every storefront: lines of any posts, kept on the server.

Modules: `models` (cart, lines, applied form posts), `services` (add, change, remove,
merge on sign-in, the priced summary), `forms` and `views` (the routes on every host and the
cart page at the portal)."""
