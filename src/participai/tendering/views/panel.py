"""An evaluator's own seat, under ``/workspace/panel/<slug>/``.

Reached through ``tendering.access.access_panel_seat`` (404 without a seat),
not through the organisation's membership: independent experts and members of
the affected community hold seats without belonging to the public body.

The page leads the member through their part: declare interests first; then,
once the bids are opened, a scoring sheet per bid (each criterion with what
its scores mean, a score and a justification); then the submission, after
which they see the other members' submitted scores.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from participai.core.forms import add_service_errors

from ..access import access_bid, access_panel_seat
from ..forms.evaluation import ConflictLaterForm, DeclarationForm, ScoreSheetForm, SubmitForm
from ..models import BidDocument, Criterion, PanelMember, ScoringMethod
from ..selectors import evaluation as selectors
from ..services import evaluation as services
from .evaluation import bid_file_response


def _sheet_prefix(bid_id: int) -> str:
    return f"bid{bid_id}"


def _render_seat(
    request: HttpRequest,
    seat: PanelMember,
    *,
    status: int = 200,
    declaration_form: Form | None = None,
    conflict_form: Form | None = None,
    sheet_form: ScoreSheetForm | None = None,
    sheet_bid: int | None = None,
    submit_form: Form | None = None,
) -> HttpResponse:
    page = selectors.seat_page(seat, request.user)
    sheets = []
    for sheet in page.sheets:
        if sheet_form is not None and sheet.bid.pk == sheet_bid:
            form = sheet_form
        else:
            own = {row.criterion.pk: row.own for row in sheet.rows if row.own is not None}
            form = ScoreSheetForm(
                criteria=page.judged_criteria, own=own, prefix=_sheet_prefix(sheet.bid.pk)
            )
        sheets.append((sheet, form))
    return render(
        request,
        "tendering/panel/seat.html",
        {
            "page": page,
            "seat": seat,
            "tender": page.tender,
            "procurement": page.procurement,
            "sheets": sheets,
            "declaration_form": declaration_form or DeclarationForm(),
            "conflict_form": conflict_form or ConflictLaterForm(),
            "submit_form": submit_form or SubmitForm(),
            # The form that failed, for errors whose form the page no longer
            # shows (a sheet posted after the submission).
            "error_form": sheet_form or submit_form,
        },
        status=status,
    )


def _to_seat(slug: str, anchor: str = "") -> HttpResponse:
    url = reverse("panel:seat", kwargs={"slug": slug})
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_GET
def seat(request: HttpRequest, slug: str) -> HttpResponse:
    _procurement, _tender, seat = access_panel_seat(request.user, slug)
    return _render_seat(request, seat)


@login_required
@require_POST
def declare(request: HttpRequest, slug: str) -> HttpResponse:
    _procurement, _tender, seat = access_panel_seat(request.user, slug)
    later = seat.declared_at is not None
    form = ConflictLaterForm(request.POST) if later else DeclarationForm(request.POST)
    if form.is_valid():
        has_conflict = True if later else form.cleaned_data["has_conflict"]
        try:
            services.interests_declare(
                actor=request.user,
                seat=seat,
                has_conflict=has_conflict,
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if has_conflict:
                messages.success(
                    request,
                    _(
                        "Your conflict of interest is recorded. Thank you: you take no further "
                        "part in this evaluation."
                    ),
                )
            else:
                messages.success(request, _("Your declaration is recorded."))
            return _to_seat(slug)
    if later:
        return _render_seat(request, seat, status=400, conflict_form=form)
    return _render_seat(request, seat, status=400, declaration_form=form)


@login_required
@require_POST
def score(request: HttpRequest, slug: str, bid_id: int) -> HttpResponse:
    procurement, tender, seat = access_panel_seat(request.user, slug)
    # 404 for a bid of another tender; 403 while sealed, undeclared or conflicted.
    bid = access_bid(request.user, procurement, tender, bid_id)
    criteria = [
        c for c in Criterion.objects.filter(tender=tender) if c.method == ScoringMethod.JUDGEMENT
    ]
    form = ScoreSheetForm(request.POST, criteria=criteria, prefix=_sheet_prefix(bid.pk))
    if form.is_valid():
        current = None
        try:
            with transaction.atomic():
                for criterion, value, justification in form.entries():
                    current = criterion
                    services.score_save(
                        actor=request.user,
                        seat=seat,
                        bid=bid,
                        criterion=criterion,
                        score=value,
                        justification=justification,
                    )
        except ValidationError as error:
            _sheet_errors(form, current, error)
        else:
            messages.success(
                request,
                _("Your scores for %(supplier)s are saved.") % {"supplier": bid.supplier_name},
            )
            return _to_seat(slug, f"bid-{bid.pk}")
    return _render_seat(request, seat, status=400, sheet_form=form, sheet_bid=bid.pk)


def _sheet_errors(form: ScoreSheetForm, criterion: Criterion | None, error: ValidationError):
    if hasattr(error, "error_dict") and criterion is not None:
        for field, field_messages in error.message_dict.items():
            target = form.field_for(criterion, field)
            for message in field_messages:
                form.add_error(target, message)
    else:
        add_service_errors(form, error)


@login_required
@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    _procurement, _tender, seat = access_panel_seat(request.user, slug)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            services.scores_submit(actor=request.user, seat=seat)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your scores are submitted. You can now read the other members' submitted "
                    "scores."
                ),
            )
            return _to_seat(slug)
    return _render_seat(request, seat, status=400, submit_form=form)


@login_required
@require_GET
def bid_document(request: HttpRequest, slug: str, bid_id: int, document_id: int) -> HttpResponse:
    procurement, tender, _seat = access_panel_seat(request.user, slug)
    bid = access_bid(request.user, procurement, tender, bid_id)
    document = BidDocument.objects.filter(bid=bid, id=document_id).first()
    if document is None:
        raise Http404("No such document.")
    return bid_file_response(document)
