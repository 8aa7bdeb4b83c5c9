"""The tender's evaluation criteria: adding, changing, removing and moving them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.procurements.access import Action

from ...forms.solicitation import CriterionForm
from ...models import Criterion, Tender
from ...services import solicitation as services
from ._common import FORM_METHODS, _form_page, _frozen, _overview, _refused, _tender

# --- Criteria -----------------------------------------------------------------------------


def _criterion(tender: Tender, criterion_id: int) -> Criterion:
    criterion = Criterion.objects.filter(tender=tender, pk=criterion_id).first()
    if criterion is None:
        raise Http404("No such criterion in this tender.")
    return criterion


@login_required
@FORM_METHODS
def criterion_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    if (frozen := _frozen(request, tender, slug)) is not None:
        return frozen
    form = CriterionForm(request.POST or None, tender=tender)
    return _form_page(
        request,
        "tendering/solicitation/criterion_form.html",
        {"procurement": procurement, "tender": tender, "criterion": None},
        form,
        lambda values: services.criterion_add(actor=request.user, tender=tender, **values),
        _("Criterion added."),
        slug,
        "criteria",
    )


@login_required
@FORM_METHODS
def criterion_edit(request: HttpRequest, slug: str, criterion_id: int) -> HttpResponse:
    procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    if (frozen := _frozen(request, tender, slug)) is not None:
        return frozen
    criterion = _criterion(tender, criterion_id)
    form = CriterionForm(request.POST or None, tender=tender, criterion=criterion)
    return _form_page(
        request,
        "tendering/solicitation/criterion_form.html",
        {"procurement": procurement, "tender": tender, "criterion": criterion},
        form,
        lambda values: services.criterion_update(
            actor=request.user, criterion=criterion, **values
        ),
        _("Changes saved."),
        slug,
        "criteria",
    )


@login_required
@require_POST
def criterion_remove(request: HttpRequest, slug: str, criterion_id: int) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    criterion = _criterion(tender, criterion_id)
    try:
        services.criterion_remove(actor=request.user, criterion=criterion)
    except ValidationError as error:
        return _refused(request, error, slug)
    messages.success(request, _("“%(name)s” removed.") % {"name": criterion.name})
    return _overview(slug, "criteria")


@login_required
@require_POST
def criterion_move(request: HttpRequest, slug: str, criterion_id: int) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    criterion = _criterion(tender, criterion_id)
    try:
        services.criterion_move(
            actor=request.user, criterion=criterion, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        return _refused(request, error, slug)
    return _overview(slug, "criteria")
