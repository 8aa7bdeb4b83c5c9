"""How the pages reach a participation process and its modules.

Staff pages first reach the procurement through
``procurements.access.access_procurement`` (which checks membership and the
right); :func:`staff_process` and :func:`staff_module` then find the process
and module within it, or a 404.

A process is shown when it and its procurement are published; members of the
procurement's organisation also see it unpublished, as a preview (as the
portal does for procurements). Everyone else gets a 404, so drafts cannot be
probed for. What a visitor may *do* there is ``policy.refusal``'s business.
"""

from __future__ import annotations

from django.http import Http404

from participai.accounts.models import User
from participai.procurements.access import access_public_procurement, is_member
from participai.procurements.models import Procurement

from .models import Module, Process


def access_public_process(user: User, slug: str, process_slug: str) -> tuple[Process, bool]:
    """The process ``process_slug`` of procurement ``slug`` as the public sees it.

    Returns ``(process, is_preview)``; ``is_preview`` is true when the
    process or its procurement is unpublished and ``user`` is a member of the
    organisation. ``process.procurement`` is already loaded.
    """
    procurement, procurement_preview = access_public_procurement(user, slug)
    process = Process.objects.filter(procurement=procurement, slug=process_slug).first()
    if process is None:
        raise Http404("No such process.")
    process.procurement = procurement
    if process.is_published and not procurement_preview:
        return process, False
    # A published procurement says nothing about the visitor; ask again.
    if procurement_preview or is_member(user, procurement.organisation_id):
        return process, True
    raise Http404("No such process.")


def access_public_module(
    user: User, slug: str, process_slug: str, module_id: int
) -> tuple[Module, bool]:
    """A module of a process reached through :func:`access_public_process`.

    Returns ``(module, is_preview)``; ``module.process`` (and its
    procurement) is already loaded. 404 when the module is not the process's.
    """
    process, is_preview = access_public_process(user, slug, process_slug)
    module = Module.objects.filter(process=process, pk=module_id).first()
    if module is None:
        raise Http404("No such module.")
    module.process = process
    return module, is_preview


def staff_process(procurement: Procurement, slug: str) -> Process:
    """The process ``slug`` (draft or published) of ``procurement``, which
    the caller has already reached through ``access_procurement``; 404 if
    it has none of that name. Procurement, organisation and plan activity
    come loaded."""
    process = (
        Process.objects.select_related("procurement__organisation", "activity")
        .filter(procurement=procurement, slug=slug)
        .first()
    )
    if process is None:
        raise Http404("No such process in this procurement.")
    return process


def staff_module(procurement: Procurement, slug: str, module_id: int, kind: str) -> Module:
    """Module ``module_id`` of kind ``kind`` in the process ``slug`` of
    ``procurement`` (see :func:`staff_process`), with ``module.process``
    loaded; 404 when the process has no such module of that kind."""
    process = staff_process(procurement, slug)
    module = Module.objects.filter(process=process, pk=module_id, kind=kind).first()
    if module is None:
        raise Http404("No such module of that kind in this process.")
    module.process = process
    return module
