"""Staff pages of the governance canvas: the canvas on screen and its exports.

Every member of the procurement's organisation may read it (``Action.VIEW``).
``?edition=public`` shows and exports what the public edition holds, so the
team sees exactly what the portal's API will serve.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from participai.procurements.access import Action, access_procurement

from ..canvas_export import Format, canvas_response, filename
from ..selectors.canvas import canvas_of


def _public(request: HttpRequest) -> bool:
    return request.GET.get("edition") == "public"


@login_required
def canvas(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.VIEW)
    public = _public(request)
    built = canvas_of(procurement, public=public)
    return render(
        request,
        "engagement/canvas/page.html",
        {
            "procurement": procurement,
            "canvas": built,
            "header": built.header,
            "public": public,
            "edition_query": "?edition=public" if public else "",
            "pdf_name": filename(built, "pdf"),
            "api_pdf_url": f"/api/procurements/{procurement.slug}/canvas.pdf",
        },
    )


def _export(request: HttpRequest, slug: str, fmt: Format) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.VIEW)
    return canvas_response(canvas_of(procurement, public=_public(request)), fmt)


@login_required
def canvas_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(request, slug, "pdf")


@login_required
def canvas_markdown(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(request, slug, "md")


@login_required
def canvas_json(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(request, slug, "json")
