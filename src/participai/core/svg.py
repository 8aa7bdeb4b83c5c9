"""Small helpers that write SVG by hand: escaped text, numbers, elements.
The actor map's pictures, the plan's timeline and the opinion map share them.

Pure: no Django import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FONT = "Source Sans Pro Web, Helvetica Neue, Helvetica, Arial, sans-serif"
INK = "#1b1b1b"
LINE = "#71767a"
FAINT = "#dfe1e2"


def xml_text(value: Any) -> str:
    """``value`` as XML character data or attribute value: escaped, with the
    characters XML 1.0 forbids removed, so the document stays well-formed."""
    return escape(_XML_INVALID.sub("", str(value)), {'"': "&quot;", "'": "&#x27;"})


def num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def svg_attrs(attrs: Mapping[str, Any]) -> str:
    # font_size -> font-size; class_ -> class.
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{xml_text(v)}"' for k, v in attrs.items())


def svg_text(x: float, y: float, content: str, **attrs: Any) -> str:
    extra = svg_attrs(attrs)
    return f'<text x="{num(x)}" y="{num(y)}"{extra}>{xml_text(content)}</text>'


def svg_rect(x: float, y: float, w: float, h: float, **attrs: Any) -> str:
    extra = svg_attrs(attrs)
    return f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}"{extra}/>'


def svg_open(width: float, height: float, prefix: str, title: str, desc: str, css: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{xml_text(css)}" '
        f'viewBox="0 0 {num(width)} {num(height)}" width="{num(width)}" '
        f'height="{num(height)}" role="img" '
        f'aria-labelledby="{xml_text(prefix)}-title {xml_text(prefix)}-desc" '
        f'font-family="{FONT}" font-size="13" fill="{INK}" '
        f'style="max-width:100%;height:auto">'
        f'<title id="{xml_text(prefix)}-title">{xml_text(title)}</title>'
        f'<desc id="{xml_text(prefix)}-desc">{xml_text(desc)}</desc>'
    )
