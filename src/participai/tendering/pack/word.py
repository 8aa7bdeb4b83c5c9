"""The tender pack as a Word document (DOCX), with python-docx.

Real headings (so the navigation pane and screen readers find the sections),
tables for the criteria, the participation and the timeline, and the
Markdown of user text turned into plain paragraphs and list paragraphs.
Same sections, same order and same words as the HTML and PDF.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import docx
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from . import TenderPack

_md = MarkdownIt("commonmark", {"html": False}).enable("table")


def number(value: Decimal | str | None) -> str:
    """``35`` for 35.00, ``12.5`` for 12.50, localised as the pages show them."""
    return "" if value is None else str(floatformat(value, "-2"))


def moment(value: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "–"


def day(value: datetime.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else "–"


def markdown_blocks(text: str) -> list[tuple[str, str]]:
    """``text`` (Markdown) as ``(kind, text)`` blocks: ``p`` paragraphs, ``li``
    list items, ``h`` headings; inline marks dropped, links kept as their text."""
    blocks: list[tuple[str, str]] = []
    list_depth = 0
    heading = False
    for token in _md.parse(text or ""):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        elif token.type in ("fence", "code_block"):
            blocks.append(("p", token.content.rstrip("\n")))
        elif token.type == "inline":
            parts = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type == "softbreak":
                    parts.append(" ")
                elif child.type == "hardbreak":
                    parts.append("\n")
            line = "".join(parts).strip()
            if line:
                blocks.append(("h" if heading else "li" if list_depth else "p", line))
    return blocks


class _Writer:
    def __init__(self, pack: TenderPack) -> None:
        self.pack = pack
        self.doc = docx.Document()
        properties = self.doc.core_properties
        properties.title = _("Tender pack: %(title)s") % {"title": pack.title}
        properties.author = pack.organisation
        properties.language = pack.language
        properties.subject = pack.title

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level=level)

    def para(self, text: str, *, italic: bool = False, bold: bool = False) -> None:
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(text)
        run.italic = italic
        run.bold = bold

    def labelled(self, label: str, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(label + " ").bold = True
        paragraph.add_run(text)

    def bullet(self, text: str) -> None:
        self.doc.add_paragraph(text, style="List Bullet")

    def markdown(self, text: str) -> None:
        for kind, line in markdown_blocks(text):
            if kind == "li":
                self.bullet(line)
            elif kind == "h":
                self.para(line, bold=True)
            else:
                self.para(line)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        self.doc.add_paragraph()

    # --- sections, in the order of the HTML pack --------------------------------

    def write(self) -> bytes:
        pack = self.pack
        content = pack.content
        self.heading(_("Tender pack: %(title)s") % {"title": pack.title}, 0)
        self.para(pack.organisation, bold=True)
        if pack.draft:
            self.para(
                _("Draft preview: this tender is not published. It may still change."),
                italic=True,
            )
        self.para(_("Generated on %(date)s.") % {"date": day(pack.generated_on)}, italic=True)

        self.heading(_("The problem"), 1)
        self.markdown(pack.problem_statement)
        self.heading(_("Mission"), 1)
        self.para(pack.mission)
        self.heading(_("Outcomes sought"), 1)
        if content.outcomes:
            self.markdown(content.outcomes)
        else:
            self.para(_("Not written yet."), italic=True)
        self.requirements()
        self.criteria()
        self.clauses()
        self.participation()
        self.timeline()
        self.clarifications()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def requirements(self) -> None:
        self.heading(_("Requirements"), 1)
        if not self.pack.content.requirements:
            self.para(_("No requirement yet."), italic=True)
        for number_, requirement in enumerate(self.pack.content.requirements, start=1):
            self.heading(
                _("R%(number)d. %(title)s (%(kind)s)")
                % {"number": number_, "title": requirement.title, "kind": requirement.kind_label},
                2,
            )
            self.markdown(requirement.text)
            if requirement.unsourced:
                self.para(
                    _("No source: not traced to public input or the assessments."), italic=True
                )
            else:
                self.para(_("Where it comes from:"), bold=True)
                for source in requirement.sources:
                    self.bullet(
                        f"{source.kind_label}: {source.label}"
                        if source.label
                        else source.kind_label
                    )

    def criteria(self) -> None:
        content = self.pack.content
        self.heading(_("Evaluation criteria and weights"), 1)
        if not content.groups:
            self.para(_("No criterion yet."), italic=True)
            return
        rows = []
        for group in content.groups:
            for criterion in group.criteria:
                rows.append(
                    [
                        criterion.name,
                        group.label,
                        f"{number(criterion.weight)} %",
                        _("%(method)s, 0 to %(max)d")
                        % {"method": criterion.method_label, "max": criterion.scale_max},
                    ]
                )
        self.table([_("Criterion"), _("Group"), _("Weight"), _("How it is scored")], rows)
        self.table(
            [_("Group"), _("Weight of the group")],
            [[group.label, f"{number(group.weight)} %"] for group in content.groups]
            + [[_("Total"), f"{number(content.total_weight)} %"]],
        )
        for criterion in content.criteria:
            self.heading(criterion.name, 2)
            if criterion.description:
                self.para(criterion.description)
            if criterion.descriptors:
                self.para(_("What each score means:"), bold=True)
                for descriptor in criterion.descriptors:
                    self.bullet(f"{descriptor.score}: {descriptor.text}")

    def clauses(self) -> None:
        self.heading(_("Contract clauses"), 1)
        if not self.pack.content.themes:
            self.para(_("No clause yet."), italic=True)
        for theme in self.pack.content.themes:
            self.heading(theme.title, 2)
            for clause in theme.clauses:
                self.heading(clause.title, 3)
                if clause.adapted:
                    self.para(_("Adapted from the clause library."), italic=True)
                elif clause.from_library:
                    self.para(_("From the clause library."), italic=True)
                for line in clause.text.splitlines():
                    if line.strip():
                        self.para(line.strip())

    def participation(self) -> None:
        pack = self.pack
        self.heading(_("Participation so far"), 1)
        if not pack.processes:
            self.para(_("No public participation process yet."), italic=True)
            return
        self.table(
            [_("Process"), _("Stage"), _("Dates"), _("Contributions")],
            [
                [
                    process.title,
                    process.stage_label,
                    f"{day(timezone.localdate(process.opens_at))} – "
                    f"{day(timezone.localdate(process.closes_at))}",
                    str(process.entries),
                ]
                for process in pack.processes
            ],
        )
        self.heading(_("You said, we did"), 2)
        if not pack.answers:
            self.para(_("No answer to what people said is published yet."), italic=True)
        for answer in pack.answers:
            self.labelled(
                f"{answer.status_label} · {answer.change_kind_label}:",
                answer.change or answer.target_label or "",
            )
            self.markdown(answer.reason)
            self.para(
                _("%(process)s · %(count)d contributions answered · %(date)s")
                % {
                    "process": answer.process,
                    "count": answer.contributions,
                    "date": day(answer.answered_on),
                },
                italic=True,
            )

    def timeline(self) -> None:
        timeline = self.pack.content.timeline
        self.heading(_("Timeline"), 1)
        self.table(
            [_("Step"), _("Date")],
            [
                [_("Tender published"), moment(timeline.published_at)],
                [_("Last day for questions"), moment(timeline.clarification_deadline)],
                [_("Deadline for bids"), moment(timeline.submission_deadline)],
                [_("Bids opened"), moment(timeline.opening_at)],
            ],
        )

    def clarifications(self) -> None:
        self.heading(_("Questions and answers"), 1)
        if not self.pack.clarifications:
            self.para(_("No question has been answered yet."), italic=True)
        for item in self.pack.clarifications:
            self.heading(_("Question %(number)d") % {"number": item.number}, 2)
            self.para(item.question)
            self.para(_("Answer:"), bold=True)
            self.markdown(item.answer)
            note = _("Published on %(date)s.") % {"date": moment(item.published_at)}
            if item.updated_at:
                note += " " + _("Updated on %(date)s.") % {"date": moment(item.updated_at)}
            self.para(note, italic=True)


def pack_docx(pack: TenderPack) -> bytes:
    """The DOCX of ``pack``, in the active language."""
    return _Writer(pack).write()
