"""The staff's "you said, we did" pages of a process: its answers, picking
contributions to answer, and the answer form (new or edited).

Any member of the procurement's organisation reads the list (others get a
404); picking and answering need ``Action.MANAGE_PARTICIPATION`` (403 with
the reason otherwise). The form re-renders with the errors, status 400, and
saves nothing when the service refuses.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from ..access import staff_process
from ..forms.responses import PickForm, ResponseForm
from ..models import ContributionStatus, Process, Response
from ..selectors import responses as selectors
from ..services import responses as services

TEMPLATES = "participation/workspace/"
# Existing answers offered on the picking page to add contributions to.
RECENT_ANSWERS = 50


def _url(process: Process, name: str, **kwargs: int) -> str:
    return reverse(
        f"participation_workspace:{name}",
        kwargs={"slug": process.procurement.slug, "process": process.slug, **kwargs},
    )


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit()})


@login_required
@require_GET
def responses_list(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """The process's answers, newest first, a page at a time."""
    procurement = access_procurement(request.user, slug)
    item = staff_process(procurement, process)
    page = selectors.process_responses(item, page_number=request.GET.get("page", 1))
    return render(
        request,
        TEMPLATES + "responses_list.html",
        {
            "procurement": procurement,
            "process": item,
            "page": page,
            "responses": list(page.object_list),
            "can_manage": can(request.user, Action.MANAGE_PARTICIPATION, procurement),
            "here": _url(item, "responses"),
            "page_query": "",
        },
    )


@login_required
@require_GET
def responses_pick(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """The process's visible contributions to tick and answer together:
    narrowed by part, by "not answered yet" and by words, 50 a page."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item = staff_process(procurement, process)
    modules = list(item.modules.order_by("position", "pk"))
    form = PickForm(request.GET, modules=modules)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.answerable_contributions(
        item,
        module_id=filters.get("module"),
        unanswered=bool(filters.get("unanswered")),
        text=filters.get("q", ""),
        page_number=request.GET.get("page", 1),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        TEMPLATES + "responses_pick.html",
        {
            "procurement": procurement,
            "process": item,
            "form": form,
            "page": page,
            "contributions": list(page.object_list),
            "recent": selectors.recent_responses(item, limit=RECENT_ANSWERS),
            "here": _url(item, "responses_pick"),
            "page_query": query.urlencode(),
        },
    )


def _form_page(
    request: HttpRequest,
    procurement: Procurement,
    process: Process,
    form: ResponseForm,
    candidate_ids: list[int],
    answer: Response | None,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        TEMPLATES + "responses_form.html",
        {
            "procurement": procurement,
            "process": process,
            "form": form,
            "answer": answer,
            "candidates": selectors.contributions_to_answer(process, candidate_ids),
            "chosen": form.chosen_ids(),
            "pick_url": _url(process, "responses_pick"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_create(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Answer the contributions ticked on the picking page (``?c=`` ids);
    with ``?into=<answer>``, add them to that answer instead."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item = staff_process(procurement, process)
    if request.method == "POST":
        form = ResponseForm(request.POST, procurement=procurement, process=item)
        candidates = _ids(request.POST.getlist("shown")) or sorted(form.chosen_ids())
        if form.is_valid():
            try:
                services.response_create(actor=request.user, process=item, **form.service_values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Answer published: it is on the process's public page now.")
                )
                return redirect(_url(item, "responses"))
        return _form_page(request, procurement, item, form, candidates, None, status=400)
    ids = _ids(request.GET.getlist("c"))
    into = request.GET.get("into", "")
    if into.isdigit() and ids:
        return redirect(
            f"{_url(item, 'response_edit', pk=int(into))}?{urlencode({'c': ids}, doseq=True)}"
        )
    visible = [
        c.pk
        for c in selectors.contributions_to_answer(item, ids)
        if c.status == ContributionStatus.VISIBLE
    ]
    if not visible:
        messages.error(request, _("Tick at least one contribution to answer."))
        return redirect(_url(item, "responses_pick"))
    form = ResponseForm(initial={"contributions": visible}, procurement=procurement, process=item)
    return _form_page(request, procurement, item, form, visible, None)


@login_required
@require_http_methods(["GET", "POST"])
def response_edit(request: HttpRequest, slug: str, process: str, pk: int) -> HttpResponse:
    """Change an answer: its words, status, decision, target, and the
    contributions it answers (``?c=`` ids come ticked, to add them)."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item = staff_process(procurement, process)
    answer = selectors.response_of(item, pk)
    if answer is None:
        raise Http404("No such answer in this process.")
    current = [c.pk for c in answer.contributions.all()]
    if request.method == "POST":
        form = ResponseForm(request.POST, procurement=procurement, process=item)
        candidates = sorted(set(current) | set(_ids(request.POST.getlist("shown"))))
        if form.is_valid():
            try:
                services.response_update(
                    actor=request.user, response=answer, **form.service_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Answer saved."))
                return redirect(_url(item, "responses"))
        return _form_page(request, procurement, item, form, candidates, answer, status=400)
    added = _ids(request.GET.getlist("c"))
    target = answer.target
    initial = {
        "contributions": sorted(set(current) | set(added)),
        "status": answer.status,
        "change_kind": answer.change_kind,
        "change": answer.change,
        "reason": answer.reason,
        "decision": answer.decision_id,
        "actor": target.pk if answer.change_kind == "actor" and target else None,
        "document": target.pk if answer.change_kind == "document" and target else None,
        "target_label": answer.target_label
        if answer.change_kind in services.LABELLED_KINDS
        else "",
    }
    form = ResponseForm(initial=initial, procurement=procurement, process=item)
    return _form_page(request, procurement, item, form, sorted(set(current) | set(added)), answer)
