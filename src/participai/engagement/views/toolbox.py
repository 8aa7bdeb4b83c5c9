"""Public pages of the toolbox of participation mechanisms."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from participai.procurements import lifecycle

from .. import labels
from ..forms.toolbox import ToolboxFilterForm
from ..toolbox import default_catalogue


@require_GET
def toolbox(request: HttpRequest) -> HttpResponse:
    form = ToolboxFilterForm(request.GET or None)
    filters = form.filters()
    mechanisms = default_catalogue().filter(**filters, lang=get_language())
    return render(
        request,
        "engagement/toolbox.html",
        {"form": form, "mechanisms": mechanisms, "filtered": bool(filters), "labels": labels},
    )


@require_GET
def mechanism(request: HttpRequest, key: str) -> HttpResponse:
    try:
        item = default_catalogue().get(key)
    except KeyError:
        raise Http404("No such mechanism.") from None
    return render(
        request,
        "engagement/mechanism.html",
        {
            "mechanism": item,
            "stages": [lifecycle.stage(key) for key in item.stages],
            "labels": labels,
        },
    )
