"""The staff page of an event module: the record of the meeting.

Members of the procurement's organisation read it (others get a 404);
those who set up participation or enter contributions for people
(``Action.MANAGE_PARTICIPATION`` or ``Action.ASSIST_PARTICIPATION``:
facilitators write meetings up) get the form; anyone else posting gets a
403. A bad POST re-renders the form with the errors, status 400, and saves
nothing. The points raised at the meeting are entered through assisted
entry, linked from here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, require
from participai.procurements.models import Procurement

from ..access import staff_module
from ..forms.events import EventRecordForm
from ..models import Channel, Module, ModuleKind
from ..selectors import events as selectors
from ..services import events as services


def _event_module(procurement: Procurement, process_slug: str, module_id: int) -> Module:
    """The event module ``module_id`` of the procurement's process, or a 404."""
    return staff_module(procurement, process_slug, module_id, ModuleKind.EVENT)


@login_required
@require_http_methods(["GET", "POST"])
def event_setup(request: HttpRequest, slug: str, process: str, module_id: int) -> HttpResponse:
    """The meeting's record: the form for those who may write it, the
    record as saved for other members, and links to enter the points
    raised and to print a form for them."""
    procurement = access_procurement(request.user, slug)
    module = _event_module(procurement, process, module_id)
    may_record = services.may_record(request.user, module)
    record = selectors.event_of(module)
    status = 200
    if request.method == "POST":
        if not may_record:
            require(request.user, Action.ASSIST_PARTICIPATION, procurement)
        form = EventRecordForm(request.POST)
        if form.is_valid():
            try:
                services.event_record_save(actor=request.user, module=module, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The record of the meeting is saved."))
                return redirect(request.path)
        status = 400
    elif may_record:
        initial = (
            {name: getattr(record, name) for name in services.RECORD_FIELDS} if record else {}
        )
        form = EventRecordForm(initial=initial)
    else:
        form = None
    workspace = (procurement.slug, module.process.slug)
    assist_url = reverse("participation_workspace:assist", args=workspace)
    return render(
        request,
        "participation/workspace/event_setup.html",
        {
            "procurement": procurement,
            "process": module.process,
            "module": module,
            "record": record,
            "form": form,
            "may_record": may_record,
            "assist_url": f"{assist_url}?"
            + urlencode({"module": module.pk, "channel": Channel.IN_PERSON}),
            "print_url": reverse(
                "participation_workspace:module_print", args=(*workspace, module.pk)
            ),
            "public_url": reverse(
                "participation_public:module",
                kwargs={"slug": workspace[0], "process": workspace[1], "module": module.pk},
            ),
        },
        status=status,
    )
