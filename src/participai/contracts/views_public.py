"""The public dashboard of a deployed system, at /p/<slug>/monitoring/.

Reached through ``access_public_procurement``: published procurements for
everyone, drafts as a preview for members of their organisation, 404 for
anyone else. What it shows, and what it never shows, is
``selectors_public``'s to say.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from participai.procurements.access import access_public_procurement

from .selectors_public import public_dashboard


@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, is_preview = access_public_procurement(request.user, slug)
    page = public_dashboard(procurement)
    return render(
        request,
        "contracts/public/dashboard.html"
        if page.deployed
        else "contracts/public/not_deployed.html",
        {"procurement": procurement, "is_preview": is_preview, "page": page},
    )
