"""Site-wide views: health, error pages, and the benchmark's floor."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Not found.", "field": None}, status=404)
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Forbidden.", "field": None}, status=403)
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def bench_floor(request: HttpRequest, slug: str) -> HttpResponse:
    """The benchmark's floor: the least a Django view on this stack can do,
    one indexed query and a tiny response. Mounted only when
    ``PARTICIPAI_BENCH_FLOOR=1``."""
    from participai.procurements.models import Procurement

    title = Procurement.objects.filter(slug=slug).values_list("title", flat=True).first()
    return HttpResponse(title or "", content_type="text/plain; charset=utf-8")
