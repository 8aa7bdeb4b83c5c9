"""Public pages of incident reports, under /p/<slug>/monitoring/report/.

The report form (no account needed), and the status of one report found by
its reference: the reference is the secret, there is no other lookup, and an
unknown one is a 404. The procurement goes through
``procurements.access.access_public_procurement`` (drafts: members only).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from participai.core.forms import add_service_errors
from participai.procurements.access import access_public_procurement

from .forms_incidents import ReportForm
from .selectors_incidents import incident_status, reporting_state
from .services.incidents import incident_report


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The report form; on success, the reporter is sent to the status page
    of the new report, which shows the reference to keep."""
    procurement, is_preview = access_public_procurement(request.user, slug)
    state = reporting_state(procurement)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                incident = incident_report(
                    procurement=procurement, user=request.user, **form.values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                url = reverse(
                    "monitoring:report_status",
                    kwargs={"slug": slug, "reference": incident.reference},
                )
                return redirect(f"{url}?sent=1")
        status = 400
    return render(
        request,
        "contracts/incidents/public_report.html",
        {"procurement": procurement, "is_preview": is_preview, "state": state, "form": form},
        status=status,
    )


@require_GET
def report_status(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """Where a report stands, for whoever holds its reference."""
    procurement, _preview = access_public_procurement(request.user, slug)
    status = incident_status(reference, procurement=procurement)
    if status is None:
        raise Http404("No report with this reference.")
    response = render(
        request,
        "contracts/incidents/public_status.html",
        {
            "procurement": procurement,
            "status": status,
            "just_sent": request.GET.get("sent") == "1",
            "status_url": request.build_absolute_uri(request.path),
        },
    )
    # The reference in the URL is the secret: not for shared caches, nor sent to other sites.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
