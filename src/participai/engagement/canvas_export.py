"""HTTP responses for the canvas exports (PDF, Markdown, JSON), shared by the
staff pages and the public API so both name and type the files alike."""

from __future__ import annotations

import json
from typing import Literal

from django.core.cache import cache
from django.http import HttpResponse

from .canvas import Canvas, to_markdown
from .canvas_pdf import render_canvas_pdf

Format = Literal["pdf", "md", "json"]
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}
# Rendering a PDF takes a while; the same content (same fingerprint, which
# covers the edition and the language) gives the same PDF, so it is kept.
PDF_CACHE_SECONDS = 60 * 60


def filename(canvas: Canvas, fmt: Format) -> str:
    """``<slug>-canvas.<ext>``, with ``-internal`` for the staff edition."""
    suffix = "" if canvas.header.edition == "public" else "-internal"
    return f"{canvas.header.slug}-canvas{suffix}.{fmt}"


def pdf_bytes(canvas: Canvas) -> bytes:
    """The PDF of ``canvas``, from the cache when its content was rendered before."""
    key = f"engagement:canvas-pdf:{canvas.header.slug}:{canvas.fingerprint}"
    return cache.get_or_set(key, lambda: render_canvas_pdf(canvas), PDF_CACHE_SECONDS)


def canvas_response(canvas: Canvas, fmt: Format) -> HttpResponse:
    """The export of ``canvas`` in ``fmt``, typed and named for download.

    PDF and JSON open in the browser (``inline``); Markdown downloads.
    """
    if fmt == "pdf":
        body: bytes | str = pdf_bytes(canvas)
    elif fmt == "md":
        body = to_markdown(canvas)
    else:
        body = json.dumps(canvas.as_dict(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    disposition = "attachment" if fmt == "md" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename(canvas, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
