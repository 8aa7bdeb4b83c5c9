"""The staff workspace: the organisation's procurements, their gates and documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.accounts.models import Organisation
from participai.accounts.selectors import organisations_of, roles_by_organisation
from participai.core.forms import add_service_errors
from participai.core.selectors import audit_events_for_organisation
from participai.tendering.selectors.seats import seats_of

from .. import services
from ..access import (
    Action,
    access_organisation,
    access_procurement,
    can,
    can_in_organisation,
    decide,
)
from ..forms import DocumentForm, GateDecisionForm, ProcurementCreateForm, ProcurementForm
from ..selectors import dashboard as build_dashboard
from ..selectors import gate_checklist, procurement_timeline, workspace_procurements


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organisations = list(organisations_of(request.user))
    selected = None
    if request.GET.get("organisation"):
        selected = next((o for o in organisations if o.slug == request.GET["organisation"]), None)
    board = build_dashboard(
        workspace_procurements(request.user, organisation_id=selected.id if selected else None)
    )
    return render(
        request,
        "procurements/workspace/dashboard.html",
        {
            "organisations": organisations,
            "selected": selected,
            "board": board,
            "can_create": any(
                can_in_organisation(request.user, Action.CREATE, o) for o in organisations
            ),
            "audit_organisations": [
                o for o in organisations if can_in_organisation(request.user, Action.VIEW_AUDIT, o)
            ],
            "moderation_organisations": [
                o for o in organisations if can_in_organisation(request.user, Action.MODERATE, o)
            ],
            "panel_seats": seats_of(request.user),
            "questionnaire_organisations": [
                o
                for o in organisations
                if can_in_organisation(request.user, Action.MANAGE_QUESTIONNAIRES, o)
            ],
        },
    )


def _refused_if_posted(request: HttpRequest) -> int:
    """The status of a form page: a POST that is shown again was refused
    (invalid, or the service said no), and says so with 400, like every form."""
    return 400 if request.method == "POST" else 200


def _creatable_organisations(request: HttpRequest):
    """The bodies in which the user may open a procurement."""
    allowed = [
        org_id
        for org_id, roles in roles_by_organisation(request.user).items()
        if decide(roles, Action.CREATE)
    ]
    return Organisation.objects.filter(id__in=allowed).order_by("name")


@login_required
def procurement_create(request: HttpRequest) -> HttpResponse:
    organisations = _creatable_organisations(request)
    if not organisations.exists():
        return render(
            request,
            "403.html",
            {"reason": _("Your roles do not allow opening a procurement.")},
            status=403,
        )
    form = ProcurementCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        try:
            item = services.procurement_create(
                actor=request.user, organisation=organisation, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Procurement opened as a draft."))
            return redirect("workspace:procurement", slug=item.slug)
    return render(
        request,
        "procurements/workspace/procurement_form.html",
        {"form": form},
        status=_refused_if_posted(request),
    )


@login_required
def procurement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = access_procurement(request.user, slug)
    return render(
        request,
        "procurements/workspace/procurement.html",
        {
            "procurement": item,
            "phases": procurement_timeline(item, public=False),
            "checklist": gate_checklist(item) if item.is_active else [],
            "can_edit": can(request.user, Action.EDIT, item),
            "can_publish": can(request.user, Action.PUBLISH, item) and not item.is_published,
            "can_decide": can(request.user, Action.DECIDE_GATE, item),
            "can_add_document": can(request.user, Action.ADD_DOCUMENT, item),
        },
    )


@login_required
def procurement_edit(request: HttpRequest, slug: str) -> HttpResponse:
    item = access_procurement(request.user, slug, action=Action.EDIT)
    form = ProcurementForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        # ModelForm validation writes onto the instance; start from the row.
        item.refresh_from_db()
        try:
            services.procurement_update(actor=request.user, procurement=item, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("workspace:procurement", slug=item.slug)
    return render(
        request,
        "procurements/workspace/procurement_form.html",
        {"form": form, "procurement": item},
        status=_refused_if_posted(request),
    )


@login_required
@require_POST
def procurement_publish(request: HttpRequest, slug: str) -> HttpResponse:
    item = access_procurement(request.user, slug, action=Action.PUBLISH)
    services.procurement_publish(actor=request.user, procurement=item)
    messages.success(request, _("Published: the procurement is now on the public portal."))
    return redirect("workspace:procurement", slug=item.slug)


@login_required
def gate_decide(request: HttpRequest, slug: str) -> HttpResponse:
    item = access_procurement(request.user, slug, action=Action.DECIDE_GATE)
    form = GateDecisionForm(request.POST or None, procurement=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.gate_decide(
                actor=request.user,
                procurement=item,
                outcome=form.cleaned_data["outcome"],
                rationale=form.cleaned_data["rationale"],
                decided_on=form.cleaned_data["decided_on"],
                deciders=list(form.cleaned_data["deciders"]),
                other_deciders=form.cleaned_data["other_deciders"],
                return_to_stage=form.cleaned_data["return_to_stage"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("workspace:procurement", slug=item.slug)
    return render(
        request,
        "procurements/workspace/gate_form.html",
        {"form": form, "procurement": item, "checklist": gate_checklist(item)},
        status=_refused_if_posted(request),
    )


@login_required
def document_add(request: HttpRequest, slug: str) -> HttpResponse:
    item = access_procurement(request.user, slug, action=Action.ADD_DOCUMENT)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            services.document_add(
                actor=request.user,
                procurement=item,
                title=form.cleaned_data["title"],
                document_type=form.cleaned_data["document_type"],
                description=form.cleaned_data["description"],
                body=form.cleaned_data["body"],
                upload=upload,
                filename=upload.name if upload else "",
                is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Document added."))
            return redirect("workspace:procurement", slug=item.slug)
    return render(
        request,
        "procurements/workspace/document_form.html",
        {"form": form, "procurement": item},
        status=_refused_if_posted(request),
    )


@login_required
def audit_log(request: HttpRequest, organisation: str) -> HttpResponse:
    org = access_organisation(request.user, organisation, action=Action.VIEW_AUDIT)
    page = Paginator(audit_events_for_organisation(org.id), 50).get_page(request.GET.get("page"))
    return render(
        request, "procurements/workspace/audit_log.html", {"organisation": org, "page": page}
    )
