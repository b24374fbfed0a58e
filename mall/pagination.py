"""Page numbers as visitors send them, made safe for the database."""

from __future__ import annotations

from flask import request

#: No listing has that many pages; beyond some value a database offset overflows (a 500).
MAX_PAGE = 10_000


def requested_page() -> int:
    """`?page=` clamped to 1..MAX_PAGE; anything that is not a number is page 1."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
