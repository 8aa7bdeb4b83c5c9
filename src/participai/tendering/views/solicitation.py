"""Workspace pages of the tender while it is prepared (under
``/workspace/procurements/<slug>/tender/``): the overview with requirements,
criteria and clauses, their forms, the clause library, publication and the
public review of the draft.

Every member of the organisation reads (others get a 404). Writing needs
``Action.PREPARE_TENDER`` (publishing ``Action.PUBLISH_TENDER``) at a stage
that enables the tender, on an active procurement: 403 otherwise. Writes are
POST only; a refused form comes back with its errors (status 400), a refused
button with a message on the overview. Once published the pages only read.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participai.core.forms import add_service_errors
from participai.core.languages import active_language
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from .. import clauses as clause_library
from ..access import access_tender
from ..forms.solicitation import (
    ClauseForm,
    CriterionForm,
    RequirementForm,
    ReviewForm,
    SourceForm,
    TenderSettingsForm,
)
from ..models import Criterion, Requirement, RequirementSource, Tender, TenderClause
from ..selectors import solicitation as selectors
from ..services import solicitation as services

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


# --- Clauses ------------------------------------------------------------------------------


def _clause(tender: Tender, clause_id: int) -> TenderClause:
    clause = TenderClause.objects.filter(tender=tender, pk=clause_id).first()
    if clause is None:
        raise Http404("No such clause in this tender.")
    return clause


@login_required
@require_GET
def clauses(request: HttpRequest, slug: str) -> HttpResponse:
    """The library: the clauses proposed for the stakes first, by theme, then
    the others; each marked when the tender has it already."""
    procurement, tender = _tender(request.user, slug)
    library = clause_library.library()
    language = active_language()
    high_risk = services.is_high_risk(procurement)
    present = set(
        TenderClause.objects.filter(tender=tender)
        .exclude(library_key="")
        .values_list("library_key", flat=True)
    )
    supplier = _("the supplier")
    proposed = {clause.key for clause in library.proposed(high_risk=high_risk)}

    def entries(wanted) -> list[dict]:
        themes = []
        for theme, rows in library.by_theme():
            chosen = [clause for clause in rows if wanted(clause)]
            if chosen:
                themes.append(
                    {
                        "theme": theme,
                        "title": theme.title_in(language),
                        "clauses": [
                            {
                                "key": clause.key,
                                "title": clause.title_in(language),
                                "text": clause.render(
                                    language,
                                    buyer=procurement.organisation.name,
                                    supplier=supplier,
                                ),
                                "present": clause.key in present,
                            }
                            for clause in chosen
                        ],
                    }
                )
        return themes

    return render(
        request,
        "tendering/solicitation/clauses.html",
        {
            "procurement": procurement,
            "tender": tender,
            "high_risk": high_risk,
            "proposed": entries(lambda clause: clause.key in proposed),
            "others": entries(lambda clause: clause.key not in proposed),
            "editable": tender.is_draft and can(request.user, Action.PREPARE_TENDER, procurement),
        },
    )


@login_required
@require_POST
def clause_propose(request: HttpRequest, slug: str) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    try:
        created = services.clause_propose(actor=request.user, tender=tender)
    except ValidationError as error:
        return _refused(request, error, slug)
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)d proposed clause added: adapt it to the contract.",
                "%(count)d proposed clauses added: adapt them to the contract.",
                len(created),
            )
            % {"count": len(created)},
        )
    else:
        messages.info(request, _("The tender already has every proposed clause."))
    return _overview(slug, "clauses")


@login_required
@require_POST
def clause_add(request: HttpRequest, slug: str) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    try:
        clause = services.clause_add_from_library(
            actor=request.user, tender=tender, key=request.POST.get("key", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("tender:clauses", slug=slug)
    messages.success(request, _("“%(title)s” added to the tender.") % {"title": clause.title})
    return redirect("tender:clauses", slug=slug)


@login_required
@FORM_METHODS
def clause_custom(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    if (frozen := _frozen(request, tender, slug)) is not None:
        return frozen
    form = ClauseForm(request.POST or None)
    return _form_page(
        request,
        "tendering/solicitation/clause_form.html",
        {"procurement": procurement, "tender": tender, "clause": None},
        form,
        lambda values: services.clause_add_custom(actor=request.user, tender=tender, **values),
        _("Clause added."),
        slug,
        "clauses",
    )


@login_required
@FORM_METHODS
def clause_edit(request: HttpRequest, slug: str, clause_id: int) -> HttpResponse:
    procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    if (frozen := _frozen(request, tender, slug)) is not None:
        return frozen
    clause = _clause(tender, clause_id)
    form = ClauseForm(request.POST or None, clause=clause)
    return _form_page(
        request,
        "tendering/solicitation/clause_form.html",
        {"procurement": procurement, "tender": tender, "clause": clause},
        form,
        lambda values: services.clause_update(actor=request.user, clause=clause, **values),
        _("Changes saved."),
        slug,
        f"clause-{clause.pk}",
    )


@login_required
@require_POST
def clause_remove(request: HttpRequest, slug: str, clause_id: int) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    clause = _clause(tender, clause_id)
    try:
        services.clause_remove(actor=request.user, clause=clause)
    except ValidationError as error:
        return _refused(request, error, slug)
    messages.success(request, _("“%(title)s” removed.") % {"title": clause.title})
    return _overview(slug, "clauses")


@login_required
@require_POST
def clause_move(request: HttpRequest, slug: str, clause_id: int) -> HttpResponse:
    _procurement, tender = _tender(request.user, slug, Action.PREPARE_TENDER)
    clause = _clause(tender, clause_id)
    try:
        services.clause_move(
            actor=request.user, clause=clause, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        return _refused(request, error, slug)
    return _overview(slug, f"clause-{clause.pk}")


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
