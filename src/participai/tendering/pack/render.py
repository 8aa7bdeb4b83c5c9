"""The tender pack as HTML (the print page WeasyPrint lays out) and PDF, and
the HTTP responses shared by the public API and the staff preview, so both
name and type the files alike."""

from __future__ import annotations

import hashlib
from typing import Literal

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

from participai.core.pdf import render_pdf

from . import TenderPack

Format = Literal["pdf", "docx"]
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PRINT_TEMPLATE = "tendering/pack/print.html"
# Rendering a PDF takes a while; the same print page gives the same PDF.
PDF_CACHE_SECONDS = 60 * 60


def pack_html(pack: TenderPack) -> str:
    """The print page of ``pack``, standalone (CSS inline, nothing fetched)."""
    return render_to_string(PRINT_TEMPLATE, {"pack": pack})


def pack_pdf(pack: TenderPack) -> bytes:
    """The PDF of ``pack`` (A4), from the cache when the same page was rendered before."""
    html = pack_html(pack)
    key = "tendering:pack-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    return cache.get_or_set(key, lambda: render_pdf(html), PDF_CACHE_SECONDS)


def filename(pack: TenderPack, fmt: Format) -> str:
    """``<slug>-tender-pack.<ext>``, with ``-draft`` for a preview before publication."""
    suffix = "-draft" if pack.draft else ""
    return f"{pack.slug}-tender-pack{suffix}.{fmt}"


def pack_response(pack: TenderPack, fmt: Format) -> HttpResponse:
    """The pack in ``fmt``, typed and named: the PDF opens in the browser
    (``inline``), the DOCX downloads."""
    if fmt == "pdf":
        body = pack_pdf(pack)
        disposition = "inline"
    else:
        from .word import pack_docx

        body = pack_docx(pack)
        disposition = "attachment"
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'{disposition}; filename="{filename(pack, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
