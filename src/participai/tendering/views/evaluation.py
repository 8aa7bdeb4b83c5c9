"""Staff pages of the vendor evaluation, under
``/workspace/procurements/<slug>/tender/evaluation/``: the overview (bids sealed
or listed, the panel, its progress), recording bids, a bid and its documents,
excluding or withdrawing a bid, seating the panel, moderation, results with
their sensitivity, the award, and publishing each evaluator's scores.

Thin: every object comes through ``tendering.access`` (a sealed bid is a 403
that says until when, for everyone), every write through one service.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, can, require, roles_allowed, roles_in
from participai.procurements.models import Procurement

from ..access import access_bid, access_tender, bids_are_sealed, require_bids_readable
from ..forms.evaluation import AwardForm, BidForm, ModerationForm, PanelMemberForm, ReasonForm
from ..models import Bid, BidDocument, BidStatus, PanelMember, Tender, TenderStatus
from ..selectors import evaluation as selectors
from ..services import evaluation as services


@dataclass(frozen=True)
class Abilities:
    """What the viewer may do now: which buttons the pages show (the services
    check again)."""

    record_bids: bool
    manage_panel: bool
    follow: bool
    moderate: bool
    award: bool
    publish_scores: bool


def abilities(request: HttpRequest, procurement: Procurement, tender: Tender | None) -> Abilities:
    user = request.user
    status = tender.status if tender is not None else None
    evaluating = status == TenderStatus.PUBLISHED
    return Abilities(
        record_bids=evaluating and can(user, Action.RECORD_BID, procurement),
        manage_panel=status in (TenderStatus.DRAFT, TenderStatus.PUBLISHED)
        and can(user, Action.MANAGE_PANEL, procurement),
        follow=can(user, Action.VIEW_EVALUATION, procurement),
        moderate=evaluating and can(user, Action.MODERATE_SCORES, procurement),
        award=evaluating and can(user, Action.AWARD, procurement),
        publish_scores=status == TenderStatus.AWARDED
        and bool(roles_in(user, procurement.organisation_id) & roles_allowed(Action.AWARD)),
    )


def _tender(request: HttpRequest, slug: str, action: Action = Action.VIEW):
    procurement, tender = access_tender(request.user, slug, action=action)
    if tender is None:
        raise Http404("This procurement has no tender yet.")
    return procurement, tender


def _context(request: HttpRequest, procurement: Procurement, tender: Tender | None, **more):
    return {
        "procurement": procurement,
        "tender": tender,
        "can": abilities(request, procurement, tender),
        **more,
    }


def _overview(slug: str) -> HttpResponse:
    return redirect("tender:evaluation", slug=slug)


def _refused(request: HttpRequest, error: ValidationError, to: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(to)


def bid_file_response(document: BidDocument) -> FileResponse:
    """A bid document as a download, never rendered in the browser."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_filename or f"document{document.extension}",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Overview and bids -------------------------------------------------------------------


@login_required
@require_GET
def evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = access_tender(request.user, slug)
    page = selectors.evaluation_page(request.user, procurement, tender)
    refusal = ""
    if tender is not None and not page.sealed and not page.readable:
        try:
            require_bids_readable(request.user, procurement, tender, seat=page.viewer_seat)
        except PermissionDenied as denied:
            refusal = str(denied)
    return render(
        request,
        "tendering/evaluation/overview.html",
        _context(request, procurement, tender, page=page, bids_refusal=refusal),
    )


@login_required
def bid_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _tender(request, slug, Action.RECORD_BID)
    form = BidForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                bid = services.bid_record(actor=request.user, tender=tender, **form.values())
                for upload in form.cleaned_data["documents"]:
                    services.bid_document_add(
                        actor=request.user, bid=bid, upload=upload, filename=upload.name
                    )
        except ValidationError as error:
            add_service_errors(form, error, rename={"file": "documents", "title": "documents"})
        else:
            messages.success(
                request,
                _("Bid number %(number)d recorded. It stays sealed until the opening.")
                % {"number": bid.pk},
            )
            return _overview(slug)
    return render(
        request,
        "tendering/evaluation/bid_form.html",
        _context(request, procurement, tender, form=form),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def bid_detail(request: HttpRequest, slug: str, bid_id: int) -> HttpResponse:
    procurement, tender = _tender(request, slug)
    bid = access_bid(request.user, procurement, tender, bid_id)
    return render(
        request,
        "tendering/evaluation/bid_detail.html",
        _context(
            request,
            procurement,
            tender,
            bid=bid,
            documents=list(bid.documents.order_by("id")),
            is_valid=bid.status == BidStatus.VALID,
        ),
    )


@login_required
@require_GET
def bid_document(request: HttpRequest, slug: str, bid_id: int, document_id: int) -> HttpResponse:
    procurement, tender = _tender(request, slug)
    bid = access_bid(request.user, procurement, tender, bid_id)
    document = BidDocument.objects.filter(bid=bid, id=document_id).first()
    if document is None:
        raise Http404("No such document.")
    return bid_file_response(document)


def _bid_status_change(request: HttpRequest, slug: str, bid_id: int, *, withdraw: bool):
    procurement, tender = _tender(request, slug, Action.RECORD_BID)
    if withdraw and bids_are_sealed(tender):
        # A withdrawal comes before the opening: the bid is named by its number only.
        bid = Bid.objects.filter(tender=tender, id=bid_id).first()
        if bid is None:
            raise Http404("No such bid.")
    else:
        bid = access_bid(request.user, procurement, tender, bid_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = services.bid_withdraw if withdraw else services.bid_exclude
        try:
            service(actor=request.user, bid=bid, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if withdraw:
                messages.success(
                    request, _("Bid number %(number)d is withdrawn.") % {"number": bid.pk}
                )
                return _overview(slug)
            messages.success(request, _("The bid is excluded from the evaluation."))
            return redirect("tender:bid_detail", slug=slug, bid_id=bid.pk)
    return render(
        request,
        "tendering/evaluation/bid_status_form.html",
        _context(
            request,
            procurement,
            tender,
            form=form,
            bid=bid,
            withdraw=withdraw,
            sealed=bids_are_sealed(tender),
        ),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def bid_exclude(request: HttpRequest, slug: str, bid_id: int) -> HttpResponse:
    return _bid_status_change(request, slug, bid_id, withdraw=False)


@login_required
def bid_withdraw(request: HttpRequest, slug: str, bid_id: int) -> HttpResponse:
    return _bid_status_change(request, slug, bid_id, withdraw=True)


# --- The panel ---------------------------------------------------------------------------


@login_required
def panel_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _tender(request, slug, Action.MANAGE_PANEL)
    form = PanelMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.panel_member_add(
                actor=request.user,
                tender=tender,
                user=form.cleaned_data["person"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"user": "person"})
        else:
            messages.success(
                request,
                _("%(name)s has a seat on the panel. They declare their interests first.")
                % {"name": seat.user},
            )
            return _overview(slug)
    return render(
        request,
        "tendering/evaluation/panel_form.html",
        _context(request, procurement, tender, form=form),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def panel_remove(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    _procurement, tender = _tender(request, slug, Action.MANAGE_PANEL)
    seat = PanelMember.objects.filter(tender=tender, id=member_id).select_related("user").first()
    if seat is None:
        raise Http404("No such seat.")
    overview = reverse("tender:evaluation", kwargs={"slug": slug})
    try:
        services.panel_member_remove(actor=request.user, seat=seat)
    except ValidationError as error:
        return _refused(request, error, overview)
    messages.success(request, _("%(name)s no longer sits on the panel.") % {"name": seat.user})
    return redirect(overview)


# --- Moderation --------------------------------------------------------------------------


def _cell_prefix(bid_id: int, criterion_id: int) -> str:
    return f"cell-{bid_id}-{criterion_id}"


@login_required
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _tender(request, slug, Action.VIEW_EVALUATION)
    require_bids_readable(request.user, procurement, tender)
    if request.method == "POST":
        require(request.user, Action.MODERATE_SCORES, procurement)
    page = selectors.evaluation_page(request.user, procurement, tender)
    cells = {
        _cell_prefix(cell.bid.pk, cell.criterion.pk): cell
        for row in page.moderation
        for cell in row.cells
    }
    bound = None
    status = 200
    if request.method == "POST":
        prefix = request.POST.get("cell", "")
        cell = cells.get(prefix)
        if cell is None:
            raise Http404("No such bid and criterion to moderate.")
        bound = ModerationForm(request.POST, prefix=prefix, criterion=cell.criterion)
        if bound.is_valid():
            try:
                services.score_moderate(
                    actor=request.user,
                    bid=cell.bid,
                    criterion=cell.criterion,
                    score=bound.cleaned_data["score"],
                    reason=bound.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(bound, error)
            else:
                messages.success(
                    request,
                    _("Agreed score recorded for %(supplier)s on “%(criterion)s”.")
                    % {"supplier": cell.bid.supplier_name, "criterion": cell.criterion.name},
                )
                url = reverse("tender:moderation", kwargs={"slug": slug})
                return redirect(f"{url}#{prefix}")
        status = 400
    forms = {}
    for prefix, cell in cells.items():
        if bound is not None and bound.prefix == prefix:
            forms[prefix] = bound
            continue
        initial = (
            {"score": cell.agreed.score.normalize(), "reason": cell.agreed.reason}
            if cell.agreed
            else {}
        )
        forms[prefix] = ModerationForm(initial=initial, prefix=prefix, criterion=cell.criterion)
    rows = [
        (row, [(cell, forms[_cell_prefix(row.bid.pk, cell.criterion.pk)]) for cell in row.cells])
        for row in page.moderation
    ]
    return render(
        request,
        "tendering/evaluation/moderation.html",
        _context(request, procurement, tender, page=page, rows=rows, error_form=bound),
        status=status,
    )


# --- Results and the award ---------------------------------------------------------------


def _award_of(tender: Tender):
    return getattr(tender, "award", None) if tender.status == TenderStatus.AWARDED else None


@login_required
@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _tender(request, slug, Action.VIEW_EVALUATION)
    require_bids_readable(request.user, procurement, tender)
    result = selectors.results(tender)
    return render(
        request,
        "tendering/evaluation/results.html",
        _context(
            request,
            procurement,
            tender,
            result=result,
            award=_award_of(tender),
            gate_url=reverse("workspace:gate_decide", kwargs={"slug": slug}),
        ),
    )


@login_required
def award(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _tender(request, slug, Action.AWARD)
    require_bids_readable(request.user, procurement, tender)
    if tender.status == TenderStatus.AWARDED:
        messages.info(request, _("The award is already recorded."))
        return redirect("tender:results", slug=slug)
    result = selectors.results(tender)
    form = AwardForm(
        request.POST or None,
        bids=result.bids,
        winner=result.winner.bid if result.winner else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.award_record(
                actor=request.user,
                tender=tender,
                bid=form.cleaned_data["bid"],
                rationale=form.cleaned_data["rationale"],
                decided_on=form.cleaned_data["decided_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The award is recorded. Take the gate decision of this stage on the "
                    "procurement's gate page."
                ),
            )
            return redirect("tender:results", slug=slug)
    return render(
        request,
        "tendering/evaluation/award_form.html",
        _context(request, procurement, tender, form=form, result=result),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def publish_scores(request: HttpRequest, slug: str) -> HttpResponse:
    _procurement, tender = _tender(request, slug)
    publish = request.POST.get("publish") == "1"
    to = reverse("tender:results", kwargs={"slug": slug})
    try:
        services.scores_publish(actor=request.user, tender=tender, publish=publish)
    except ValidationError as error:
        return _refused(request, error, to)
    if publish:
        messages.success(
            request, _("Each evaluator's scores are now on the public page, anonymised.")
        )
    else:
        messages.success(request, _("Each evaluator's scores are no longer public."))
    return redirect(to)
