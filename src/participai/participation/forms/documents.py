"""Forms of a document review: a new version of the draft (staff), a
comment on a paragraph (the public), and a paragraph comment typed in by a
facilitator from a paper form. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm
from participai.procurements.models import Document

from ..models import DocumentParagraph
from .public import COMMENT_MAX
from .workspace import AssistedEntryForm


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Document) -> str:
        return f"{obj.title} ({obj.get_document_type_display()})"


class VersionForm(DesignSystemForm):
    """The next version of the draft: pasted Markdown, or a procurement
    document's text, with a note of what changed."""

    source = DocumentChoiceField(
        label=_("Take the text of a document"),
        queryset=Document.objects.none(),
        required=False,
        empty_label=_("None: I paste the text below"),
        help_text=_("Only the procurement's public documents written as text are listed."),
    )
    title = forms.CharField(
        label=_("Title of the draft"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to take the document's title."),
    )
    body = forms.CharField(
        label=_("Text of the draft"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Markdown. A blank line starts a new paragraph, and each paragraph takes its own "
            "comments; a list or a code block stays one paragraph. Leave empty to take the "
            "chosen document's text."
        ),
    )
    change_note = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the version; needed from the second version on."),
    )

    def __init__(self, *args: Any, sources: list[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        field.queryset = Document.objects.filter(pk__in=[d.pk for d in sources])
        field.choices = [("", field.empty_label)] + [
            (d.pk, field.label_from_instance(d)) for d in sources
        ]


class ParagraphCommentForm(DesignSystemForm):
    """A comment on one paragraph of the draft."""

    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You may use Markdown: **bold**, *italic*, lists and links."),
    )


def paragraph_label(paragraph: DocumentParagraph) -> str:
    excerpt = Truncator(" ".join(paragraph.body.split())).chars(70)
    return gettext("Paragraph %(number)d: %(excerpt)s") % {
        "number": paragraph.position,
        "excerpt": excerpt,
    }


class DocumentAssistForm(AssistedEntryForm):
    """A comment on a paragraph that a facilitator types in for someone."""

    field_order = ["paragraph", "channel", "pseudonym", "body"]

    paragraph = forms.TypedChoiceField(
        label=_("Paragraph"),
        coerce=int,
        choices=(),
        help_text=_("The number written on the paper form, as printed next to the paragraph."),
    )
    body = forms.CharField(
        label=_("What they said"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Type it as written or said; do not correct or summarise it."),
    )

    def __init__(self, *args: Any, paragraphs: list[DocumentParagraph], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].choices = [(p.pk, paragraph_label(p)) for p in paragraphs]
