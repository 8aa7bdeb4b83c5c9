"""Document-review modules: a draft put to the public, paragraph by paragraph.

A draft (the problem statement, a draft tender…) has numbered versions; each
version is split into paragraphs, and comments (``Contribution.paragraph``)
attach to one paragraph of one version. A paragraph's ``key`` follows the
same text from version to version so that the diff between versions, and the
comments on unchanged paragraphs, can be carried across.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.procurements.models import Document

from .processes import Module


class DocumentVersion(models.Model):
    """One version of the draft under review. The newest is the one open to comments."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="document_versions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown; a blank line starts a paragraph."))
    change_note = models.TextField(_("what changed"), blank=True)
    # The procurement document the text was taken from, when there is one.
    source = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["module", "number"]
        verbose_name = _("draft version")
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class DocumentParagraph(models.Model):
    """One paragraph of one version. ``comment_count`` counts every comment and
    reply made on it, like ``Module.contribution_count``: a comment hidden by a
    moderator or removed by its author keeps its place in the thread, and its
    count."""

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="paragraphs"
    )
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40)
    body = models.TextField()
    body_html = models.TextField()
    comment_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("paragraph")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="document_paragraph_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"§{self.position} of {self.version_id}"
