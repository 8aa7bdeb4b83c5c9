"""The participation report for staff: of one process or of the whole
procurement, as a page and as a PDF, and attached to the procurement's
documents (at its current stage, so the gate decision that closes the stage
has it as evidence).

The report reads what the background tasks stored and counts the rest
(``selectors.report``); rendering is here and in ``core.pdf``.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from participai.core.pdf import render_pdf
from participai.procurements import services as procurement_services
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import DocumentType, Procurement

from ..access import staff_process
from ..models import Process
from ..representativeness import MIN_GROUP
from ..selectors.report import (
    ProcessReport,
    process_report,
    procurement_report,
    public_version,
    publicly_readable,
)
from .demographics_context import panel_context
from .public.opinions import opinion_map_svg

TEMPLATES = "participation/report/"


def _sections(reports: list[ProcessReport]) -> list[dict]:
    """Each process's report with what its templates need drawn already."""
    sections = []
    for index, report in enumerate(reports):
        modules = []
        for row in report.modules:
            prefix = f"p{index}-m{row.module.pk}-"
            modules.append(
                {
                    "row": row,
                    "prefix": prefix,
                    "map_svg": opinion_map_svg(row.opinions, id_prefix=f"{prefix}map"),
                }
            )
        sections.append(
            {
                "report": report,
                "modules": modules,
                **{
                    f"panel_{key}": value
                    for key, value in panel_context(report.representativeness, staff=True).items()
                },
            }
        )
    return sections


def _context(procurement: Procurement, reports: list[ProcessReport], process: Process | None):
    return {
        "procurement": procurement,
        "process": process,
        "sections": _sections(reports),
        "generated_at": timezone.now(),
        "min_group": MIN_GROUP,
    }


def _title(procurement: Procurement, process: Process | None) -> str:
    if process is not None:
        return _("Participation report: %(title)s") % {"title": process.title}
    return _("Participation report: %(title)s") % {"title": procurement.title}


@login_required
@require_GET
def process_report_page(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    """The report of one process, with links to its PDF and to attach it."""
    procurement = access_procurement(request.user, slug)
    item = staff_process(procurement, process)
    return _page(request, procurement, item, [process_report(item)])


@login_required
@require_GET
def procurement_report_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The report of every process of the procurement."""
    procurement = access_procurement(request.user, slug)
    return _page(request, procurement, None, procurement_report(procurement))


def _page(request, procurement, process, reports) -> HttpResponse:
    context = _context(procurement, reports, process)
    context.update(
        title=_title(procurement, process),
        can_attach=can(request.user, Action.ADD_DOCUMENT, procurement),
        pdf_url=_url(procurement, process, pdf=True),
        attach_url=_url(procurement, process, attach=True),
    )
    return render(request, TEMPLATES + "page.html", context)


def _url(procurement: Procurement, process: Process | None, *, pdf=False, attach=False) -> str:
    suffix = "_pdf" if pdf else "_attach" if attach else ""
    if process is None:
        return reverse(
            f"participation_workspace:report{suffix}", kwargs={"slug": procurement.slug}
        )
    return reverse(
        f"participation_workspace:process_report{suffix}",
        kwargs={"slug": procurement.slug, "process": process.slug},
    )


def report_pdf_bytes(
    procurement: Procurement, process: Process | None, *, public: bool = False
) -> bytes:
    """The report as a PDF (A4, black and white friendly), in the active
    language; with ``public``, only what may be published (``public_version``)."""
    reports = [process_report(process)] if process is not None else procurement_report(procurement)
    if public:
        reports = public_version(reports)
    context = _context(procurement, reports, process)
    context["title"] = _title(procurement, process)
    return render_pdf(render_to_string(TEMPLATES + "print.html", context))


@login_required
@require_GET
def process_report_pdf(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    item = staff_process(procurement, process)
    return _pdf_response(report_pdf_bytes(procurement, item), f"{procurement.slug}-{item.slug}")


@login_required
@require_GET
def procurement_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    return _pdf_response(report_pdf_bytes(procurement, None), procurement.slug)


def _pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="participation-report-{name}.pdf"'
    return response


@login_required
@require_POST
def process_report_attach(request: HttpRequest, slug: str, process: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    return _attach(request, procurement, staff_process(procurement, process))


@login_required
@require_POST
def procurement_report_attach(request: HttpRequest, slug: str) -> HttpResponse:
    return _attach(request, access_procurement(request.user, slug), None)


def _attach(request: HttpRequest, procurement: Procurement, process: Process | None):
    """Add the report, as it is now, to the procurement's documents at its
    current stage (``document_add`` checks the right and audits it). A
    public copy holds only what may be published (``public_version``)."""
    if not can(request.user, Action.ADD_DOCUMENT, procurement):
        raise PermissionDenied(_("You may not add documents to this procurement."))
    public = request.POST.get("public") == "1"
    if public and process is not None and not publicly_readable(process):
        messages.error(
            request,
            _(
                "Only people who sign in may read this process: attach its report "
                "without publishing it."
            ),
        )
        return redirect(_url(procurement, process))
    now = timezone.localtime()
    pdf = report_pdf_bytes(procurement, process, public=public)
    title = _("%(title)s, %(date)s") % {
        "title": _title(procurement, process),
        "date": date_format(now, "DATE_FORMAT"),
    }
    try:
        document = procurement_services.document_add(
            actor=request.user,
            procurement=procurement,
            title=title[:200],
            document_type=DocumentType.PARTICIPATION_REPORT,
            description=_(
                "The participation report as it stood when attached: who took part, "
                "opinion groups, topics, and what became of what was said."
            ),
            upload=io.BytesIO(pdf),
            filename=f"participation-report-{now:%Y-%m-%d}.pdf",
            is_public=public,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is now a document of the stage, for its gate decision.")
            % {"title": document.title},
        )
    return redirect(_url(procurement, process))
