"""What an uploaded document may be. Pure: no Django import.

The extension must be on the list, the size under the limit, and the first
bytes must be what that extension claims, so a renamed executable or an HTML
page called ``report.pdf`` is refused with a reason a person can act on.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from participai.core.marks import gettext_noop

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str
    magic: tuple[bytes, ...] = ()
    text: bool = False


KINDS: dict[str, FileKind] = {
    kind.extension: kind
    for kind in (
        FileKind(".pdf", "application/pdf", gettext_noop("PDF"), (b"%PDF-",)),
        FileKind(
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            gettext_noop("Word document"),
            (ZIP_MAGIC,),
        ),
        FileKind(
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            gettext_noop("Excel workbook"),
            (ZIP_MAGIC,),
        ),
        FileKind(
            ".odt",
            "application/vnd.oasis.opendocument.text",
            gettext_noop("OpenDocument text"),
            (ZIP_MAGIC,),
        ),
        FileKind(
            ".ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            gettext_noop("OpenDocument spreadsheet"),
            (ZIP_MAGIC,),
        ),
        FileKind(".png", "image/png", gettext_noop("PNG image"), (b"\x89PNG\r\n\x1a\n",)),
        FileKind(".jpg", "image/jpeg", gettext_noop("JPEG image"), (b"\xff\xd8\xff",)),
        FileKind(".jpeg", "image/jpeg", gettext_noop("JPEG image"), (b"\xff\xd8\xff",)),
        FileKind(".csv", "text/csv", gettext_noop("CSV"), text=True),
        FileKind(".txt", "text/plain", gettext_noop("plain text"), text=True),
        FileKind(".md", "text/markdown", gettext_noop("Markdown"), text=True),
    )
}
ALLOWED_EXTENSIONS = tuple(sorted(KINDS))


# Why an upload is refused, by ``UploadRejected.code``. Marked for
# translation: the web layer shows ``gettext(MESSAGES[code]) % params``.
MESSAGES: dict[str, str] = {
    "type": gettext_noop("Files of type %(extension)s are not accepted. Accepted: %(accepted)s."),
    "empty": gettext_noop("The file is empty."),
    "size": gettext_noop("The file is %(size)s; the limit is %(limit)s."),
    "not_text": gettext_noop("The file is named %(extension)s but is not UTF-8 text."),
    "content": gettext_noop(
        "The file is named %(extension)s but its content is not of that type (%(kind)s)."
    ),
}


class UploadRejected(ValueError):
    """The upload is not accepted. ``code`` (a key of :data:`MESSAGES`) says
    why and ``params`` fill in the message, so the caller can word it in the
    uploader's language; ``str(error)`` is the English wording. A param is
    either a value shown as it is (an extension, a size) or a text marked for
    translation (a :class:`FileKind` label, "(none)")."""

    def __init__(self, code: str, **params: str):
        super().__init__(MESSAGES[code] % params)
        self.code = code
        self.params = params


def _extension(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if "." not in name:
        return ""
    return "." + name.rsplit(".", 1)[-1].lower()


def _looks_like_text(head: bytes, *, complete: bool) -> bool:
    """Is ``head`` UTF-8 text? When it is only the start of the file
    (``complete=False``), a multi-byte character cut at its end is allowed."""
    if b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def human_size(count: int) -> str:
    """``count`` bytes as a person reads it: '25 MB', '1.5 MB', '2 KB', '512 bytes'."""
    for unit, factor in (("MB", 1_048_576), ("KB", 1024)):
        if count >= factor:
            return f"{count / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def check_upload(*, filename: str, size: int, head: bytes, max_bytes: int) -> FileKind:
    """Return the kind of an acceptable upload or raise :class:`UploadRejected`.

    ``head`` is the first bytes of the file (at least 8 KiB when available).
    """
    extension = _extension(filename)
    kind = KINDS.get(extension)
    if kind is None:
        accepted = ", ".join(ALLOWED_EXTENSIONS)
        shown = extension or gettext_noop("(none)")
        raise UploadRejected("type", extension=shown, accepted=accepted)
    if size <= 0:
        raise UploadRejected("empty")
    if size > max_bytes:
        raise UploadRejected("size", size=human_size(size), limit=human_size(max_bytes))
    if kind.text:
        if not _looks_like_text(head, complete=size <= len(head)):
            raise UploadRejected("not_text", extension=extension)
    elif not any(head.startswith(magic) for magic in kind.magic):
        raise UploadRejected("content", extension=extension, kind=kind.label)
    return kind
