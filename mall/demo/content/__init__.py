"""Each post's pages (history of its stamps, about the post, FAQ) and news, one module per
country, in the post's own languages and English."""

from __future__ import annotations


def paragraphs(*blocks: str) -> str:
    """Join blocks into a Page body: paragraphs separated by blank lines, "## " headings."""
    return "\n\n".join(blocks)
