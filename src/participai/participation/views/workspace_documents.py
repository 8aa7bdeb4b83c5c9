"""Staff pages of a document review: set the draft up (publish a first or a
new version, see the versions and the comments per paragraph), enter a
paragraph comment from a paper form, and print that paper form.

Members of the procurement's organisation read the set-up page (others get
a 404); publishing needs ``Action.MANAGE_PARTICIPATION`` and entering a
comment for someone ``Action.ASSIST_PARTICIPATION`` (403 otherwise). A bad
POST re-renders the page with the errors, status 400, and saves nothing.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from ..access import staff_module
from ..forms.documents import DocumentAssistForm, VersionForm
from ..models import Module, ModuleKind, Process
from ..selectors import documents as selectors
from ..services import contributions as contribution_services
from ..services import documents as services
from ..services import participants as participant_services

# Ruled lines under each paragraph of the printed draft.
PRINT_LINES_PER_PARAGRAPH = 3


def _document_module(procurement: Procurement, process_slug: str, module_id: int) -> Module:
    """The document-review module ``module_id`` of the procurement's process, or a 404."""
    return staff_module(procurement, process_slug, module_id, ModuleKind.DOCUMENT_REVIEW)


def _url(name: str, module: Module, query: dict[str, str] | None = None) -> str:
    process = module.process
    url = reverse(
        f"participation_workspace:{name}", args=(process.procurement.slug, process.slug, module.pk)
    )
    return f"{url}?{urlencode(query)}" if query else url


def _public_url(name: str, module: Module) -> str:
    process = module.process
    return reverse(
        f"participation_public:{name}",
        kwargs={"slug": process.procurement.slug, "process": process.slug, "module": module.pk},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_setup(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """The draft under review as staff see it: its versions, the comments per
    paragraph of the newest, and for those who manage participation the form
    to publish the next version (pre-filled with the newest's text to edit)."""
    action = Action.MANAGE_PARTICIPATION if request.method == "POST" else Action.VIEW
    procurement = access_procurement(request.user, slug, action=action)
    module = _document_module(procurement, process, module_id)
    sources = list(selectors.text_sources(procurement))
    can_manage = can(request.user, Action.MANAGE_PARTICIPATION, procurement)
    status = 200
    if request.method == "POST":
        form = VersionForm(request.POST, sources=sources)
        if form.is_valid():
            try:
                version = services.version_publish(
                    actor=request.user, module=module, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(number)d is published and open to comments.")
                    % {"number": version.number},
                )
                return redirect(_url("document_setup", module))
        status = 400
    draft = selectors.draft_of(module)
    if request.method != "POST":
        initial = {"title": draft.version.title, "body": draft.version.body} if draft else {}
        form = VersionForm(initial=initial, sources=sources) if can_manage else None
    return render(
        request,
        "participation/workspace/document_setup.html",
        {
            "procurement": procurement,
            "process": module.process,
            "module": module,
            "draft": draft,
            "form": form,
            "can_manage": can_manage,
            "can_assist": can(request.user, Action.ASSIST_PARTICIPATION, procurement),
            "public_url": _public_url("module", module),
            "diff_url": _public_url("document_diff", module),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_assist(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """Assisted entry of a comment on one paragraph: a facilitator types in
    what someone wrote on the paper form or said, under their pseudonym.
    The guest participant and the comment are saved together or not at all;
    after saving, the page comes back with the same channel, ready for the next."""
    procurement = access_procurement(request.user, slug, action=Action.ASSIST_PARTICIPATION)
    module = _document_module(procurement, process, module_id)
    draft = selectors.draft_of(module)
    paragraphs = [row.paragraph for row in draft.paragraphs] if draft else []
    status = 200
    if request.method == "POST":
        form = DocumentAssistForm(request.POST, paragraphs=paragraphs)
        if form.is_valid():
            data = form.cleaned_data
            paragraph = next(p for p in paragraphs if p.pk == data["paragraph"])
            try:
                with transaction.atomic():
                    # Unaudited: the contribution's audit event records the new guest
                    # (see participants.guest_join on lock order).
                    participant = participant_services.guest_join(
                        pseudonym=data["pseudonym"], audited=False
                    )
                    contribution_services.contribution_add(
                        participant=participant,
                        module=module,
                        body=data["body"],
                        channel=data["channel"],
                        entered_by=request.user,
                        paragraph=paragraph,
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Saved the comment of “%(name)s” on paragraph %(number)d. "
                        "Ready for the next."
                    )
                    % {"name": participant.pseudonym, "number": paragraph.position},
                )
                return redirect(_url("document_assist", module, {"channel": data["channel"]}))
        status = 400
    else:
        form = DocumentAssistForm(
            paragraphs=paragraphs, initial={"channel": request.GET.get("channel") or "paper"}
        )
        if "channel" in request.GET:
            # Back from saving one: straight to the next paragraph number.
            form.fields["paragraph"].widget.attrs["autofocus"] = True
    return render(
        request,
        "participation/workspace/document_assist.html",
        {
            "procurement": procurement,
            "process": module.process,
            "module": module,
            "draft": draft,
            "form": form,
            "state": module.window(module.process).state(timezone.now()),
        },
        status=status,
    )


def document_paper_form(
    request: HttpRequest, procurement: Procurement, process: Process, module: Module
) -> HttpResponse:
    """The printable paper form of a document review (``views.workspace.PAPER_FORMS``):
    the newest version's paragraphs, numbered, each with lines to comment on
    it. ``?where=`` fills in where to hand it back."""
    module.process = process
    draft = selectors.draft_of(module)
    return render(
        request,
        "participation/workspace/document_print.html",
        {
            "procurement": procurement,
            "process": process,
            "module": module,
            "draft": draft,
            "window": module.window(process),
            "lines": range(PRINT_LINES_PER_PARAGRAPH),
            "where": request.GET.get("where", "").strip()[:300],
            "public_url": request.build_absolute_uri(_public_url("module", module)),
        },
    )
