"""Posts write their pages and news in Markdown; buyers get sanitised HTML.

Markdown is rendered, then cleaned by a maintained sanitiser (nh3, the Ammonia library):
whatever a post's staff type (or paste), only these tags and http(s)/mailto links reach the
page, and links get rel="noopener noreferrer nofollow"."""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from markupsafe import Markup

TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br",
        "hr", "code"}
ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str | None) -> Markup:
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    return Markup(clean)  # noqa: S704 - sanitised just above
