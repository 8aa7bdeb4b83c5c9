"""The public portal: published procurements, their timelines and documents."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from participai.core.text import render_markdown
from participai.participation.selectors.responses import responses_by_decision
from participai.participation.selectors.threads import public_processes

from ..access import access_document, access_public_procurement
from ..forms import PortalFilterForm
from ..selectors import organisations_with_published, procurement_timeline, public_procurements

PAGE_SIZE = 20
# Bounds how long a renamed organisation or decider can show its old name.
PAGE_CACHE_SECONDS = 600


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    form = PortalFilterForm(request.GET or None, organisations=organisations_with_published())
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = public_procurements(
        q=filters.get("q", ""),
        organisation=filters.get("organisation", ""),
        phase=filters.get("phase", ""),
        stage=filters.get("stage", ""),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procurements/portal/home.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(filters.values()),
        },
    )


@require_GET
def procurement(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page. Its body is cached per procurement version, language
    and audience, so the timeline, Markdown and participation processes are
    only built after a change (publishing or editing a process moves the
    version too); they are passed lazily and evaluated only when the cache
    misses."""
    item, is_preview = access_public_procurement(request.user, slug)
    processes = SimpleLazyObject(lambda: list(public_processes(item)))
    return render(
        request,
        "procurements/portal/procurement.html",
        {
            "procurement": item,
            "is_preview": is_preview,
            "phases": SimpleLazyObject(lambda: procurement_timeline(item, public=not is_preview)),
            "problem_html": SimpleLazyObject(lambda: render_markdown(item.problem_statement)),
            "processes": processes,
            "said_did": SimpleLazyObject(lambda: responses_by_decision(item, processes=processes)),
            "cache_seconds": PAGE_CACHE_SECONDS,
        },
    )


@require_GET
def document(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    item, _ = access_public_procurement(request.user, slug)
    doc = access_document(request.user, item, document_id)
    if doc.is_file:
        response = FileResponse(
            doc.file.open("rb"),
            as_attachment=True,
            filename=doc.original_filename or f"document{doc.extension}",
            content_type=doc.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return render(
        request,
        "procurements/portal/document.html",
        {"procurement": item, "document": doc, "body_html": render_markdown(doc.body)},
    )
