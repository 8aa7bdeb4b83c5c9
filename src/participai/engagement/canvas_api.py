"""The governance canvas in the JSON API (mounted under /api/procurements).

Open data: the public edition of published procurements only. A draft is a
404 for everyone, its own staff included (they export it from the workspace).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router

from participai.procurements.access import access_public_procurement
from participai.procurements.api import ErrorOut

from .canvas import SCHEMA
from .canvas_export import CONTENT_TYPES, Format, canvas_response
from .selectors.canvas import canvas_of

router = Router(tags=["canvas"])


def _published_canvas_response(request: HttpRequest, slug: str, fmt: Format) -> HttpResponse:
    procurement, is_preview = access_public_procurement(request.user, slug)
    if is_preview:
        # The API is open data: drafts stay out of it even for their own staff.
        raise Http404("No such procurement.")
    return canvas_response(canvas_of(procurement, public=True), fmt)


def _document(fmt: Format, description: str, schema: dict) -> dict:
    media_type = CONTENT_TYPES[fmt].split(";")[0]
    return {
        "responses": {
            200: {"description": description, "content": {media_type: {"schema": schema}}}
        }
    }


@router.get(
    "/{slug}/canvas.pdf",
    response={404: ErrorOut},
    summary="The governance canvas of a published procurement, as a PDF (A3 landscape)",
    openapi_extra=_document("pdf", "The canvas as a PDF", {"type": "string", "format": "binary"}),
)
def canvas_pdf(request: HttpRequest, slug: str):
    return _published_canvas_response(request, slug, "pdf")


@router.get(
    "/{slug}/canvas.json",
    response={404: ErrorOut},
    summary="The governance canvas of a published procurement, as JSON",
    openapi_extra=_document(
        "json",
        f"The canvas as JSON (schema {SCHEMA}): procurement, edition, version, "
        "fingerprint, generated_at and the blocks in canvas order",
        {
            "type": "object",
            "required": ["schema", "procurement", "edition", "version", "blocks"],
            "properties": {
                "schema": {"type": "string"},
                "procurement": {"type": "object"},
                "edition": {"type": "string", "enum": ["public"]},
                "language": {"type": "string"},
                "version": {"type": "integer"},
                "fingerprint": {"type": "string"},
                "generated_at": {"type": "string", "format": "date-time"},
                "blocks": {"type": "object"},
            },
        },
    ),
)
def canvas_json(request: HttpRequest, slug: str):
    return _published_canvas_response(request, slug, "json")


@router.get(
    "/{slug}/canvas.md",
    response={404: ErrorOut},
    summary="The governance canvas of a published procurement, as Markdown",
    openapi_extra=_document("md", "The canvas as Markdown", {"type": "string"}),
)
def canvas_markdown(request: HttpRequest, slug: str):
    return _published_canvas_response(request, slug, "md")
