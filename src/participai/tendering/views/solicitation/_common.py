"""What the pages of the tender's preparation share: the methods a form page
accepts, the redirect to the overview, reaching the tender (404 when none was
started), a refusal shown as messages, the check that the tender is still a
draft, and the page of a form whose values go to a service.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from participai.core.forms import add_service_errors
from participai.procurements.access import Action
from participai.procurements.models import Procurement

from ...access import access_tender
from ...models import Tender
from ...services import solicitation as services

FORM_METHODS = require_http_methods(["GET", "POST"])


def _overview(slug: str, anchor: str = "") -> HttpResponse:
    url = reverse("tender:overview", kwargs={"slug": slug})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _tender(user, slug: str, action: Action = Action.VIEW) -> tuple[Procurement, Tender]:
    """The procurement and its tender; 404 when no tender was started."""
    procurement, tender = access_tender(user, slug, action=action)
    if tender is None:
        raise Http404("No tender was started for this procurement.")
    return procurement, tender


def _refused(request: HttpRequest, error: ValidationError, slug: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return _overview(slug)


def _frozen(request: HttpRequest, tender: Tender, slug: str) -> HttpResponse | None:
    """Back to the overview, saying why, when the tender is no longer a draft."""
    if tender.is_draft:
        return None
    messages.error(request, str(services.PUBLISHED))
    return _overview(slug)


def _form_page(
    request: HttpRequest,
    template: str,
    context: dict,
    form,
    save,
    success: str,
    slug: str,
    anchor: str = "",
) -> HttpResponse:
    """Validate ``form`` on POST and hand its values to ``save`` (a service call);
    the page again with the errors, status 400, when either refuses."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, success)
                return _overview(slug, anchor)
        status = 400
    return render(request, template, {**context, "form": form}, status=status)
