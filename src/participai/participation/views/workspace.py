"""Workspace pages of participation: a procurement's processes, the process
form, one process with its modules, publishing, assisted entry by
facilitators, and the printable paper form of a module.

Any member of the procurement's organisation reads these pages (others get
a 404); setting processes up needs ``Action.MANAGE_PARTICIPATION`` and
entering contributions for someone ``Action.ASSIST_PARTICIPATION`` (403
with the reason otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from ..access import staff_process
from ..forms.workspace import AssistForm, ModuleForm, ProcessForm
from ..models import Module, ModuleKind, Process
from ..selectors import processes as selectors
from ..services import contributions as contribution_services
from ..services import participants as participant_services
from ..services import processes as services
from ..services.contributions import STATEMENT_MAX
from .surveys_workspace import survey_print
from .workspace_documents import document_paper_form
from .workspace_prioritisation import paper_ballot

# Ruled lines on a printed form: room for a paragraph, or for one statement.
PRINT_LINES = {ModuleKind.COMMENTS: 16, ModuleKind.STATEMENTS: 4}
# The page where staff set up what a module of each kind needs (a survey's
# questions, the items to prioritise, the draft under review, the meeting's
# record), by URL name; it takes the procurement's and process's slugs and
# the module's id. Kinds that need nothing besides the module are absent.
SETUP_URL_NAMES: dict[str, str] = {}
# Paper forms of the kinds that are not written contributions (a survey's
# questionnaire, a ballot to prioritise), by kind: each renders the printable
# page for (request, procurement, process, module).
PAPER_FORMS: dict[str, Callable[[HttpRequest, Procurement, Process, Module], HttpResponse]] = {}
# Document review (its paper form prints the draft's numbered paragraphs, and
# a paragraph comment is entered on its own page) and event record (points
# raised at the meeting, on the generic form).
SETUP_URL_NAMES[ModuleKind.DOCUMENT_REVIEW] = "participation_workspace:document_setup"
SETUP_URL_NAMES[ModuleKind.EVENT] = "participation_workspace:event_setup"
PAPER_FORMS[ModuleKind.DOCUMENT_REVIEW] = document_paper_form
SETUP_URL_NAMES[ModuleKind.PRIORITISATION] = "participation_workspace:prioritisation_setup"
PAPER_FORMS[ModuleKind.PRIORITISATION] = paper_ballot
PRINT_LINES[ModuleKind.EVENT] = 16
OWN_ASSIST_KINDS = frozenset({ModuleKind.DOCUMENT_REVIEW})
# Survey: questions set up, answers entered and the questionnaire printed on its own pages.
SETUP_URL_NAMES[ModuleKind.SURVEY] = "participation_workspace:survey_setup"
PAPER_FORMS[ModuleKind.SURVEY] = survey_print


def _process_url(process: Process, namespace: str = "participation_workspace") -> str:
    """The process's staff page, or with ``namespace="participation_public"`` its public one."""
    return reverse(
        f"{namespace}:process", kwargs={"slug": process.procurement.slug, "process": process.slug}
    )


@login_required
def process_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The procurement's processes, drafts and published, with their counts."""
    procurement = access_procurement(request.user, slug)
    now = timezone.now()
    processes = list(selectors.staff_processes(procurement))
    return render(
        request,
        "participation/workspace/process_list.html",
        {
            "procurement": procurement,
            "rows": [(p, selectors.process_state(p, now)) for p in processes],
            "can_manage": can(request.user, Action.MANAGE_PARTICIPATION, procurement),
        },
    )


def _process_form_page(
    request: HttpRequest, procurement: Procurement, form: ProcessForm, process: Process | None
) -> HttpResponse:
    return render(
        request,
        "participation/workspace/process_form.html",
        {"procurement": procurement, "form": form, "process": process},
        status=400 if form.is_bound else 200,
    )


@login_required
def process_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new draft process at the procurement's current stage. A bad POST
    re-renders the form with the errors, status 400, and saves nothing."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    if request.method != "POST":
        return _process_form_page(request, procurement, ProcessForm(procurement=procurement), None)
    form = ProcessForm(request.POST, procurement=procurement)
    if form.is_valid():
        try:
            process = services.process_create(
                actor=request.user, procurement=procurement, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Process saved as a draft. Add its modules, then publish it.")
            )
            return redirect(_process_url(process))
    return _process_form_page(request, procurement, form, None)


@login_required
def process_edit(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Change a process (draft or published); only the fields changed are sent."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item = staff_process(procurement, process)
    initial = {name: getattr(item, name) for name in services.PROCESS_FIELDS}
    if request.method != "POST":
        form = ProcessForm(initial=initial, procurement=procurement)
        return _process_form_page(request, procurement, form, item)
    form = ProcessForm(request.POST, initial=initial, procurement=procurement)
    if form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            item = services.process_update(actor=request.user, process=item, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved.") if changes else _("Nothing changed."))
            return redirect(_process_url(item))
    return _process_form_page(request, procurement, form, item)


def _setup_url(procurement: Procurement, process: Process, module: Module) -> str:
    name = SETUP_URL_NAMES.get(module.kind)
    if name is None:
        return ""
    return reverse(name, args=(procurement.slug, process.slug, module.pk))


def _detail_page(
    request: HttpRequest,
    procurement: Procurement,
    process: Process,
    module_form: ModuleForm | None,
    *,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    can_manage = can(request.user, Action.MANAGE_PARTICIPATION, procurement)
    kinds = selectors.addable_kinds(process)
    if module_form is None and can_manage and kinds:
        module_form = ModuleForm(kinds=kinds)
    return render(
        request,
        "participation/workspace/process_detail.html",
        {
            "procurement": procurement,
            "process": process,
            "state": selectors.process_state(process, now),
            "modules": [
                (
                    row,
                    _setup_url(procurement, process, row.module),
                    row.takes_writing or row.module.kind in PAPER_FORMS,
                )
                for row in selectors.module_rows(process, now)
            ],
            "module_form": module_form,
            "can_manage": can_manage,
            "can_assist": can(request.user, Action.ASSIST_PARTICIPATION, procurement),
            "public_url": _process_url(process, "participation_public"),
        },
        status=status,
    )


@login_required
def process_detail(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """A process as staff see it: its fields, its modules and their state,
    and for those who manage it the module form and the publish button."""
    procurement = access_procurement(request.user, slug)
    return _detail_page(request, procurement, staff_process(procurement, process), None)


@login_required
@require_POST
def module_add(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Add a module of a kind the process's stage takes; a bad POST re-renders
    the process page with the form's errors, status 400, and adds nothing."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item = staff_process(procurement, process)
    form = ModuleForm(request.POST, kinds=selectors.addable_kinds(item))
    if form.is_valid():
        try:
            module = services.module_add(actor=request.user, process=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” added.") % {"title": module.title})
            return redirect(_process_url(item))
    return _detail_page(request, procurement, item, form, status=400)


@login_required
@require_POST
def process_publish(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Show the process to the public; a refusal comes back as a message."""
    procurement = access_procurement(request.user, slug, action=Action.MANAGE_PARTICIPATION)
    item = staff_process(procurement, process)
    try:
        services.process_publish(actor=request.user, process=item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Published: the process is now on the public page."))
    return redirect(_process_url(item))


@login_required
def assist(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """Assisted entry: a facilitator types in what someone said on paper, by
    phone or in person, under the pseudonym they chose.

    A new guest participant is made for the pseudonym and the contribution
    is tagged with the channel and the facilitator; both are saved together
    or not at all. After saving, the page comes back with the same part and
    channel chosen and the other fields empty, ready for the next form.
    """
    procurement = access_procurement(request.user, slug, action=Action.ASSIST_PARTICIPATION)
    item = staff_process(procurement, process)
    modules = [m for m in selectors.written_modules(item) if m.kind not in OWN_ASSIST_KINDS]
    status = 200
    if request.method == "POST":
        form = AssistForm(request.POST, modules=modules)
        if form.is_valid():
            data = form.cleaned_data
            try:
                # One transaction: a refused contribution leaves no stray guest behind.
                with transaction.atomic():
                    # Unaudited: the contribution's audit event records the new guest
                    # (see participants.guest_join on lock order).
                    participant = participant_services.guest_join(
                        pseudonym=data["pseudonym"], audited=False
                    )
                    contribution_services.contribution_add(
                        participant=participant,
                        module=data["module"],
                        body=data["body"],
                        kind=data["kind"] or None,
                        channel=data["channel"],
                        entered_by=request.user,
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Saved the contribution of “%(name)s” to “%(part)s”. Ready for the next.")
                    % {"name": participant.pseudonym, "part": data["module"].title},
                )
                query = urlencode({"module": data["module"].pk, "channel": data["channel"]})
                url = reverse(
                    "participation_workspace:assist",
                    kwargs={"slug": procurement.slug, "process": item.slug},
                )
                return redirect(f"{url}?{query}")
        status = 400
    else:
        form = AssistForm(
            modules=modules,
            initial={
                "module": request.GET.get("module") or (modules[0].pk if modules else None),
                "channel": request.GET.get("channel") or "paper",
            },
        )
    if "module" in request.GET:
        # Back from saving one: straight to the next person's name.
        form.fields["pseudonym"].widget.attrs["autofocus"] = True
    now = timezone.now()
    return render(
        request,
        "participation/workspace/assist.html",
        {
            "procurement": procurement,
            "process": item,
            "form": form,
            "modules": [(m, m.window(item).state(now)) for m in modules],
            "statement_max": STATEMENT_MAX,
        },
        status=status,
    )


@login_required
def module_print(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """A paper form for a comments or statements module, to hand out at a
    library desk or a meeting and type in later through assisted entry.
    ``?where=`` fills in where to hand it back."""
    procurement = access_procurement(request.user, slug)
    item = staff_process(procurement, process)
    module = Module.objects.filter(process=item, pk=module_id).first()
    if module is not None and module.kind in PAPER_FORMS:
        return PAPER_FORMS[module.kind](request, procurement, item, module)
    if module is None or module.kind not in selectors.WRITTEN_KINDS:
        raise Http404("No such part to print in this process.")
    return render(
        request,
        "participation/workspace/print.html",
        {
            "procurement": procurement,
            "process": item,
            "module": module,
            "window": module.window(item),
            "lines": range(PRINT_LINES[module.kind]),
            "where": request.GET.get("where", "").strip()[:300],
            "statement_max": STATEMENT_MAX,
            "public_url": request.build_absolute_uri(_process_url(item, "participation_public")),
        },
    )
