"""Reads of a document review: its versions, one version paragraph by
paragraph with its comment counts, the comments on one paragraph, and two
versions side by side for the diff.

Each read costs a fixed number of queries whatever the length of the draft
or of its threads. Counts come from ``DocumentParagraph.comment_count``
(kept by ``contributions.contribution_add``), summed by key over versions,
never counted per paragraph. A paragraph's comments include those made on
the same paragraph (same key) in earlier versions, each with the version it
was made on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet, Sum

from participai.accounts.models import Participant
from participai.procurements.models import Document, Procurement

from .. import drafts
from ..models import Contribution, DocumentParagraph, DocumentVersion, Module, Support
from .responses import answers_for
from .threads import ORDERS, PER_PAGE, Thread, ThreadPage


@dataclass(frozen=True)
class ParagraphRow:
    """A paragraph as a version shows it: ``comment_total`` counts the
    comments on it in this version and the earlier ones (same key)."""

    paragraph: DocumentParagraph
    comment_total: int

    @property
    def number(self) -> int:
        return self.paragraph.position

    @property
    def earlier_comments(self) -> int:
        return self.comment_total - self.paragraph.comment_count


@dataclass(frozen=True)
class Draft:
    """One version of a module's draft with all the versions listed."""

    version: DocumentVersion
    versions: list[DocumentVersion]
    paragraphs: list[ParagraphRow]

    @property
    def newest(self) -> DocumentVersion:
        return self.versions[-1]

    @property
    def is_newest(self) -> bool:
        return self.version.pk == self.newest.pk

    @property
    def previous(self) -> DocumentVersion | None:
        """The version before the one shown, if any."""
        earlier = [v for v in self.versions if v.number < self.version.number]
        return earlier[-1] if earlier else None


def versions_of(module: Module) -> list[DocumentVersion]:
    """The module's versions, first to newest (without their text)."""
    return list(DocumentVersion.objects.filter(module=module).defer("body").order_by("number"))


def newest_version(module: Module) -> DocumentVersion | None:
    """The version open to comments, or ``None`` before the first is published."""
    return DocumentVersion.objects.filter(module=module).order_by("-number").first()


def _totals(module_id: int, keys: list[str], up_to: int) -> dict[str, int]:
    """Comments by paragraph key over versions 1 to ``up_to``, in one query."""
    if not keys:
        return {}
    return dict(
        DocumentParagraph.objects.filter(
            version__module_id=module_id, version__number__lte=up_to, key__in=keys
        )
        .values("key")
        .annotate(total=Sum("comment_count"))
        .values_list("key", "total")
    )


def draft_of(module: Module, number: int | None = None) -> Draft | None:
    """Version ``number`` of the module's draft (the newest when ``None``)
    with its paragraphs in order; ``None`` when there is no such version.
    Three queries."""
    versions = versions_of(module)
    if not versions:
        return None
    if number is None:
        version = versions[-1]
    else:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            return None
    paragraphs = list(version.paragraphs.order_by("position"))
    for paragraph in paragraphs:
        paragraph.version = version
    totals = _totals(module.pk, [p.key for p in paragraphs], version.number)
    return Draft(
        version=version,
        versions=versions,
        paragraphs=[ParagraphRow(p, totals.get(p.key, p.comment_count)) for p in paragraphs],
    )


def paragraph_of(module: Module, pk: int) -> DocumentParagraph | None:
    """Paragraph ``pk`` if it belongs to a version of ``module`` (with its version)."""
    return (
        DocumentParagraph.objects.select_related("version")
        .filter(pk=pk, version__module=module)
        .first()
    )


def paragraph_total(paragraph: DocumentParagraph) -> int:
    """Comments on the paragraph in its version and the earlier ones (same key)."""
    version = paragraph.version
    return _totals(version.module_id, [paragraph.key], version.number).get(paragraph.key, 0)


@dataclass(frozen=True)
class CommentOrigin:
    """Where a thread on a paragraph started: the version it was made on,
    and whether the paragraph's text has changed since."""

    version_number: int
    text_changed: bool


def paragraph_threads(
    paragraph: DocumentParagraph,
    *,
    order: str = "oldest",
    page_number: int | str | None = 1,
    reader: Participant | None = None,
    per_page: int = PER_PAGE,
) -> tuple[ThreadPage, dict[int, CommentOrigin]]:
    """One page of the threads on ``paragraph`` and on the same paragraph in
    earlier versions, in ``order`` (a key of ``threads.ORDERS``), with what
    the ``reader`` supports among them, and for each thread root the
    :class:`CommentOrigin` when it was made on another version, and what
    became of each comment shown (``answers``, see ``responses.answers_for``).
    Four queries, five when something shown was answered."""
    order = order if order in ORDERS else "oldest"
    version = paragraph.version
    roots = (
        Contribution.objects.filter(
            parent__isnull=True,
            paragraph__key=paragraph.key,
            paragraph__version__module_id=version.module_id,
            paragraph__version__number__lte=version.number,
        )
        .select_related("participant", "paragraph__version")
        .order_by(*ORDERS[order])
    )
    page = Paginator(roots, per_page).get_page(page_number)
    rows = list(page.object_list)
    ids = [row.pk for row in rows]
    replies: dict[int, list[Contribution]] = {pk: [] for pk in ids}
    for reply in (
        Contribution.objects.filter(parent_id__in=ids)
        .select_related("participant")
        .order_by("created_at", "pk")
    ):
        replies[reply.parent_id].append(reply)
    # "What became of it", as on the module's page: one more query, only
    # when something shown was answered.
    answers_for(rows + [r for rs in replies.values() for r in rs])
    supported: frozenset[int] = frozenset()
    if reader is not None and ids:
        shown = ids + [r.pk for rs in replies.values() for r in rs]
        supported = frozenset(
            Support.objects.filter(participant=reader, contribution_id__in=shown).values_list(
                "contribution_id", flat=True
            )
        )
    here = drafts.normalise(paragraph.body)
    origins = {
        row.pk: CommentOrigin(
            version_number=row.paragraph.version.number,
            text_changed=drafts.normalise(row.paragraph.body) != here,
        )
        for row in rows
        if row.paragraph_id != paragraph.pk
    }
    threads = ThreadPage(
        page=page,
        threads=[Thread(root=row, replies=replies[row.pk]) for row in rows],
        supported=supported,
        order=order,
    )
    return threads, origins


def paragraphs_of(version: DocumentVersion) -> list[drafts.Paragraph]:
    """A version's paragraphs as the pure diff takes them."""
    return [
        drafts.Paragraph(key=key, text=body)
        for key, body in version.paragraphs.order_by("position").values_list("key", "body")
    ]


def version_diff(older: DocumentVersion, newer: DocumentVersion) -> list[drafts.ParagraphChange]:
    """The paragraph-by-paragraph diff from ``older`` to ``newer`` (two queries)."""
    return drafts.diff_versions(paragraphs_of(older), paragraphs_of(newer))


def text_sources(procurement: Procurement) -> QuerySet[Document]:
    """The procurement's public documents written as text, which a draft can be
    taken from (a draft under review is public; see ``documents.version_publish``)."""
    return (
        procurement.documents.filter(is_public=True)
        .exclude(body="")
        .order_by("-created_at", "-pk")
    )
