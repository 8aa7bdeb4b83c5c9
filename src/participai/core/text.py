"""User-written text: Markdown rendered to HTML, then sanitised with nh3.

Users write Markdown; raw HTML in their text is escaped by the parser and the
output is passed through an allow-list, so what reaches a page can carry no
script, style or event handler whatever was typed.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

from .folding import fold

__all__ = ["clean_plain", "fold", "render_markdown"]

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> str:
    """Return safe HTML for ``text``. Headings are shifted down one level so a
    user's ``#`` never competes with the page's own ``h1``."""
    html = _md.render(text or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def clean_plain(text: str) -> str:
    """Normalise a single-line or plain field: strip control characters and
    surrounding white space. Templates escape it on output."""
    return "".join(ch for ch in (text or "") if ch in "\n\t" or ord(ch) >= 32).strip()
