"""The overview of the tender, starting it, its outcomes and dates, its
publication, and putting the draft to public review.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from participai.procurements.access import Action, access_procurement, can

from ...access import access_tender
from ...forms.solicitation import ReviewForm, TenderSettingsForm
from ...selectors import solicitation as selectors
from ...services import solicitation as services
from ._common import FORM_METHODS, _form_page, _frozen, _overview, _refused, _tender

# --- The overview -------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = access_tender(request.user, slug)
    can_prepare = can(request.user, Action.PREPARE_TENDER, procurement)
    page = selectors.solicitation_page(procurement, tender) if tender is not None else None
    editable = can_prepare and tender is not None and tender.is_draft
    return render(
        request,
        "tendering/solicitation/overview.html",
        {
            "procurement": procurement,
            "tender": tender,
            "page": page,
            "can_prepare": can_prepare,
            "editable": editable,
            "can_publish": tender is not None
            and tender.is_draft
            and can(request.user, Action.PUBLISH_TENDER, procurement),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.PREPARE_TENDER)
    services.tender_start(actor=request.user, procurement=procurement)
    return _overview(slug)


@login_required
@FORM_METHODS
def settings(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    if (frozen := _frozen(request, tender, slug)) is not None:
        return frozen
    form = TenderSettingsForm(request.POST or None, tender=tender)
    return _form_page(
        request,
        "tendering/solicitation/settings_form.html",
        {"procurement": procurement, "tender": tender},
        form,
        lambda values: services.tender_update(actor=request.user, tender=tender, **values),
        _("Outcomes and dates saved."),
        slug,
    )


# --- Publication and review ---------------------------------------------------------------


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PUBLISH_TENDER)
    try:
        services.tender_publish(actor=request.user, tender=tender)
    except ValidationError as error:
        messages.error(request, _("The tender was not published:"))
        return _refused(request, error, slug)
    messages.success(
        request, _("The tender is published: suppliers now bid on what the public page shows.")
    )
    return _overview(slug)


@login_required
@FORM_METHODS
def review(request: HttpRequest, slug: str) -> HttpResponse:
    """Put the draft to the public as a document review: choose or create the
    process the first time, then publish each new version into the same one."""
    procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    if (frozen := _frozen(request, tender, slug)) is not None:
        return frozen
    processes = selectors.review_processes(procurement) if tender.review_module_id is None else []
    form = ReviewForm(request.POST or None, tender=tender, processes=processes)
    module = tender.review_module
    return _form_page(
        request,
        "tendering/solicitation/review_form.html",
        {
            "procurement": procurement,
            "tender": tender,
            "module": module,
            "process": module.process if module is not None else None,
        },
        form,
        lambda values: services.tender_send_to_review(actor=request.user, tender=tender, **values),
        _("The draft tender is up for public comment as a new version."),
        slug,
        "review",
    )
