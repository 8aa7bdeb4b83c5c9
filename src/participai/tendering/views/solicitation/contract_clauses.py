"""The tender's contract clauses: the clause library, adding the proposed
clauses, one of the library or one written here, changing, removing and
moving them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from participai.core.languages import active_language
from participai.procurements.access import Action, can

from ... import clauses as clause_library
from ...forms.solicitation import ClauseForm
from ...models import Tender, TenderClause
from ...services import solicitation as services
from ._common import FORM_METHODS, _form_page, _frozen, _overview, _refused, _tender

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
