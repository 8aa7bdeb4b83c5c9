"""The tender's requirements and the sources each comes from: adding,
changing, removing and moving them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.procurements.access import Action

from ...forms.solicitation import RequirementForm, SourceForm
from ...models import Requirement, RequirementSource, Tender
from ...selectors import solicitation as selectors
from ...services import solicitation as services
from ._common import FORM_METHODS, _form_page, _frozen, _overview, _refused, _tender

# --- Requirements -------------------------------------------------------------------------


def _requirement(tender: Tender, requirement_id: int) -> Requirement:
    requirement = Requirement.objects.filter(tender=tender, pk=requirement_id).first()
    if requirement is None:
        raise Http404("No such requirement in this tender.")
    return requirement


@login_required
@FORM_METHODS
def requirement_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    if (frozen := _frozen(request, tender, slug)) is not None:
        return frozen
    form = RequirementForm(request.POST or None)
    return _form_page(
        request,
        "tendering/solicitation/requirement_form.html",
        {"procurement": procurement, "tender": tender, "requirement": None},
        form,
        lambda values: services.requirement_add(actor=request.user, tender=tender, **values),
        _("Requirement added. Link it to where it comes from."),
        slug,
        "requirements",
    )


@login_required
@FORM_METHODS
def requirement_edit(request: HttpRequest, slug: str, requirement_id: int) -> HttpResponse:
    procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    if (frozen := _frozen(request, tender, slug)) is not None:
        return frozen
    requirement = _requirement(tender, requirement_id)
    form = RequirementForm(request.POST or None, requirement=requirement)
    return _form_page(
        request,
        "tendering/solicitation/requirement_form.html",
        {"procurement": procurement, "tender": tender, "requirement": requirement},
        form,
        lambda values: services.requirement_update(
            actor=request.user, requirement=requirement, **values
        ),
        _("Changes saved."),
        slug,
        f"requirement-{requirement.pk}",
    )


@login_required
@require_POST
def requirement_remove(request: HttpRequest, slug: str, requirement_id: int) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    requirement = _requirement(tender, requirement_id)
    try:
        services.requirement_remove(actor=request.user, requirement=requirement)
    except ValidationError as error:
        return _refused(request, error, slug)
    messages.success(request, _("“%(title)s” removed.") % {"title": requirement.title})
    return _overview(slug, "requirements")


@login_required
@require_POST
def requirement_move(request: HttpRequest, slug: str, requirement_id: int) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    requirement = _requirement(tender, requirement_id)
    try:
        services.requirement_move(
            actor=request.user,
            requirement=requirement,
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as error:
        return _refused(request, error, slug)
    return _overview(slug, f"requirement-{requirement.pk}")


@login_required
@FORM_METHODS
def source_add(request: HttpRequest, slug: str, requirement_id: int) -> HttpResponse:
    procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    if (frozen := _frozen(request, tender, slug)) is not None:
        return frozen
    requirement = _requirement(tender, requirement_id)
    candidates = selectors.source_candidates(procurement)
    form = SourceForm(request.POST or None, candidates=candidates)
    return _form_page(
        request,
        "tendering/solicitation/source_form.html",
        {
            "procurement": procurement,
            "tender": tender,
            "requirement": requirement,
            "sources": list(requirement.sources.all()),
            "candidates": candidates,
        },
        form,
        lambda values: services.requirement_source_add(
            actor=request.user, requirement=requirement, **values
        ),
        _("Source linked to “%(title)s”.") % {"title": requirement.title},
        slug,
        f"requirement-{requirement.pk}",
    )


@login_required
@require_POST
def source_remove(
    request: HttpRequest, slug: str, requirement_id: int, source_id: int
) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    requirement = _requirement(tender, requirement_id)
    source = RequirementSource.objects.filter(requirement=requirement, pk=source_id).first()
    if source is None:
        raise Http404("No such source of this requirement.")
    try:
        services.requirement_source_remove(actor=request.user, source=source)
    except ValidationError as error:
        return _refused(request, error, slug)
    messages.success(
        request, _("Source unlinked from “%(title)s”.") % {"title": requirement.title}
    )
    return _overview(slug, f"requirement-{requirement.pk}")
