"""Workspace pages of the consequence scan: the workshop page, adding a
consequence (optionally in answer to a prompt) and revisiting one.

Any member of the procurement's organisation reads the workshop; the
procurement team (``Action.ASSESS``) gets the forms.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from participai.core.forms import add_service_errors
from participai.core.languages import active_language
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from ..consequence_prompts import Prompt, PromptSet, load_prompts
from ..forms.consequences import ConsequenceEditForm, ConsequenceForm
from ..models import Consequence
from ..selectors import consequences as selectors
from ..services import consequences as services


def _chosen_prompt(prompts: PromptSet, key: str | None, lang: str) -> dict[str, str] | None:
    """The prompt ``key`` as the page shows it (question and hint in ``lang``), if known."""
    if not key or key not in prompts:
        return None
    prompt: Prompt = prompts.get(key)
    return {"key": prompt.key, "question": prompt.question_in(lang), "hint": prompt.hint_in(lang)}


def _on_board(procurement: Procurement, consequence: Consequence) -> str:
    return (
        reverse("assessment:consequences", kwargs={"slug": procurement.slug})
        + f"#consequence-{consequence.pk}"
    )


@login_required
def workshop(request: HttpRequest, slug: str) -> HttpResponse:
    """The workshop page: the three questions, the board, the prompts, and
    for the team a form to add a consequence (``?prompt=key`` pre-selects one)."""
    procurement = access_procurement(request.user, slug)
    prompts = load_prompts()
    lang = active_language()
    can_assess = can(request.user, Action.ASSESS, procurement)
    form = None
    if can_assess:
        form = ConsequenceForm(prompts=prompts, lang=lang, prompt=request.GET.get("prompt", ""))
    return render(
        request,
        "assessment/consequences/workshop.html",
        {
            "procurement": procurement,
            "workshop": selectors.workshop(procurement, lang=lang, prompts=prompts),
            "can_assess": can_assess,
            "form": form,
            "chosen_prompt": _chosen_prompt(prompts, request.GET.get("prompt"), lang),
            "lang": lang,
        },
    )


@login_required
def consequence_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a consequence. GET shows the form on its own (with the prompt's
    question and hint when ``?prompt=key``); a bad POST re-renders it with
    the errors, status 400, and saves nothing."""
    procurement = access_procurement(request.user, slug, action=Action.ASSESS)
    prompts = load_prompts()
    lang = active_language()
    if request.method == "POST":
        form = ConsequenceForm(request.POST, prompts=prompts, lang=lang)
        if form.is_valid():
            try:
                consequence = services.consequence_add(
                    actor=request.user, procurement=procurement, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Consequence added."))
                return redirect(_on_board(procurement, consequence))
        chosen = _chosen_prompt(prompts, request.POST.get("prompt_key"), lang)
        status = 400
    else:
        form = ConsequenceForm(prompts=prompts, lang=lang, prompt=request.GET.get("prompt", ""))
        chosen = _chosen_prompt(prompts, request.GET.get("prompt"), lang)
        status = 200
    return render(
        request,
        "assessment/consequences/add.html",
        {"procurement": procurement, "form": form, "chosen_prompt": chosen, "lang": lang},
        status=status,
    )


@login_required
def consequence_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Revisit a consequence: its fields, its status and the note that closes it."""
    procurement = access_procurement(request.user, slug, action=Action.ASSESS)
    consequence = get_object_or_404(Consequence, procurement=procurement, pk=pk)
    prompts = load_prompts()
    lang = active_language()
    initial = {name: getattr(consequence, name) for name in services.EDITABLE_FIELDS}
    status = 200
    if request.method == "POST":
        form = ConsequenceEditForm(request.POST, initial=initial, prompts=prompts, lang=lang)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                services.consequence_update(actor=request.user, consequence=consequence, **changes)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Consequence updated.") if changes else _("Nothing changed.")
                )
                return redirect(_on_board(procurement, consequence))
        status = 400
    else:
        form = ConsequenceEditForm(initial=initial, prompts=prompts, lang=lang)
    return render(
        request,
        "assessment/consequences/edit.html",
        {
            "procurement": procurement,
            "consequence": consequence,
            "form": form,
            "chosen_prompt": _chosen_prompt(prompts, consequence.prompt_key, lang),
            "lang": lang,
        },
        status=status,
    )
