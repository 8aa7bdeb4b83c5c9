"""The opinion groups of a statements module: the map, each group and what
represents it, where everyone agrees, and where the groups differ.

The page reads the last result the background task saved (see
``services.insights``); it never computes.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from ...access import access_public_module
from ...models import ModuleKind
from ...opinion_map import render_svg
from ...representativeness import MIN_GROUP
from ...selectors.opinion_groups import OpinionView, opinion_groups_of
from ...sessions import visitor
from .common import TEMPLATES, module_url, read_refusal, sign_in_page


@require_GET
def opinions(request: HttpRequest, slug: str, process: str, module: int) -> HttpResponse:
    """The statements module's opinion groups as last computed."""
    item, is_preview = access_public_module(request.user, slug, process, module)
    if item.kind != ModuleKind.STATEMENTS:
        raise Http404("Not a statements module.")
    refusal = read_refusal(request, item.process, visitor(request))
    if refusal is not None:
        return sign_in_page(request, item.process, is_preview, refusal)
    view = opinion_groups_of(item)
    return render(
        request,
        TEMPLATES + "opinions.html",
        {
            "process": item.process,
            "procurement": item.process.procurement,
            "module": item,
            "is_preview": is_preview,
            "opinions": view,
            "map_svg": opinion_map_svg(view),
            "module_url": module_url(item),
            "min_group": MIN_GROUP,
        },
    )


def opinion_map_svg(view: OpinionView | None, id_prefix: str = "opinion-map") -> str:
    """The map's SVG, its title and description worded for people; empty
    without groups. The participation report draws it too."""
    if view is None or not view.has_groups:
        return ""
    groups = "; ".join(
        ngettext("group %(letter)s: %(n)s person", "group %(letter)s: %(n)s people", group.size)
        % {"letter": group.letter, "n": group.size}
        for group in view.groups
    )
    description = ngettext(
        "%(n)s person in opinion groups (%(groups)s). People close together voted alike; "
        "each circle is a few people who voted alike, larger for more people. "
        "The table below gives the same groups.",
        "%(n)s people in opinion groups (%(groups)s). People close together voted alike; "
        "each circle is a few people who voted alike, larger for more people. "
        "The table below gives the same groups.",
        view.clustered,
    ) % {"n": view.clustered, "groups": groups}
    title = _("Opinion map, computed %(when)s") % {
        "when": date_format(localtime(view.computed_at), "DATETIME_FORMAT")
    }
    # Built by opinion_map from numbers and escaped text only.
    svg = render_svg(
        view.circles, view.centres, title=title, description=description, id_prefix=id_prefix
    )
    return mark_safe(svg)
