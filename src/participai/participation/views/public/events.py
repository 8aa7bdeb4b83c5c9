"""The public side of an event module: the record of the meeting and the
points raised there, on the module page. The public reads and supports the
points but does not add to them: facilitators enter them (see
``contributions.contribution_add``)."""

from __future__ import annotations

from typing import Any

from django.forms import Form

from participai.accounts.models import Participant

from ...models import Module
from ...selectors import events as selectors


def event_context(
    module: Module,
    *,
    reader: Participant | None,
    page_number: int | str | None,
    form: Form | None = None,
) -> dict[str, Any]:
    """The record (``None`` until written) and a page of the points raised,
    oldest first, in five queries at most. ``form`` is a contribution form
    refused by the service (someone posting to the module), shown for its
    errors only: there is no form to add a point here."""
    return {
        "form": form,
        "event": selectors.event_of(module),
        "threads": selectors.points_raised(module, page_number=page_number, reader=reader),
        "page_query": "",
    }
