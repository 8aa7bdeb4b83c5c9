"""The governance canvas as a PDF: A3 landscape, black on white, printed well
in black and white.

Rendering only: it takes a built :class:`~participai.engagement.canvas.Canvas`
and calls no service. WeasyPrint gets the HTML as a string with no base URL
and a fetcher that refuses every URL, so rendering never touches the network
or the file system, and uses the system's default fonts.
"""

from __future__ import annotations

import weasyprint
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher

from .canvas import Canvas, print_rows

PRINT_TEMPLATE = "engagement/canvas/print.html"


class _NoFetching(URLFetcher):
    """Refuses every external resource: the print template needs none."""

    def fetch(self, url, headers=None):
        raise ValueError(f"the canvas PDF fetches no external resource ({url[:80]})")


def canvas_html(canvas: Canvas) -> str:
    """The print page of ``canvas`` (what WeasyPrint lays out), in the active language."""
    return render_to_string(
        PRINT_TEMPLATE,
        {"canvas": canvas, "header": canvas.header, "rows": print_rows(canvas.blocks)},
    )


def render_canvas_pdf(canvas: Canvas) -> bytes:
    """The PDF of ``canvas``: A3 landscape pages, a running page header."""
    document = weasyprint.HTML(
        string=canvas_html(canvas), base_url=None, url_fetcher=_NoFetching()
    )
    return document.write_pdf()
