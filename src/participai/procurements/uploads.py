"""What an uploaded document may be. Pure: no Django import.

The extension must be on the list, the size under the limit, and the first
bytes must be what that extension claims, so a renamed executable or an HTML
page called ``report.pdf`` is refused with a reason a person can act on.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

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
        FileKind(".pdf", "application/pdf", "PDF", (b"%PDF-",)),
        FileKind(
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document",
            (ZIP_MAGIC,),
        ),
        FileKind(
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel workbook",
            (ZIP_MAGIC,),
        ),
        FileKind(
            ".odt", "application/vnd.oasis.opendocument.text", "OpenDocument text", (ZIP_MAGIC,)
        ),
        FileKind(
            ".ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            "OpenDocument spreadsheet",
            (ZIP_MAGIC,),
        ),
        FileKind(".png", "image/png", "PNG image", (b"\x89PNG\r\n\x1a\n",)),
        FileKind(".jpg", "image/jpeg", "JPEG image", (b"\xff\xd8\xff",)),
        FileKind(".jpeg", "image/jpeg", "JPEG image", (b"\xff\xd8\xff",)),
        FileKind(".csv", "text/csv", "CSV", text=True),
        FileKind(".txt", "text/plain", "plain text", text=True),
        FileKind(".md", "text/markdown", "Markdown", text=True),
    )
}
ALLOWED_EXTENSIONS = tuple(sorted(KINDS))


class UploadRejected(ValueError):
    """The upload is not accepted. ``code`` says why and ``params`` fill in the
    message, so the caller can word it in the uploader's language;
    ``str(error)`` is the English wording."""

    def __init__(self, message: str, code: str = "", **params: object):
        super().__init__(message)
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
        shown = extension or "(none)"
        raise UploadRejected(
            f"Files of type {shown} are not accepted. Accepted: {accepted}.",
            "type",
            extension=shown,
            accepted=accepted,
        )
    if size <= 0:
        raise UploadRejected("The file is empty.", "empty")
    if size > max_bytes:
        shown_size, shown_limit = human_size(size), human_size(max_bytes)
        raise UploadRejected(
            f"The file is {shown_size}; the limit is {shown_limit}.",
            "size",
            size=shown_size,
            limit=shown_limit,
        )
    if kind.text:
        if not _looks_like_text(head, complete=size <= len(head)):
            raise UploadRejected(
                f"The file is named {extension} but is not UTF-8 text.",
                "not_text",
                extension=extension,
            )
    elif not any(head.startswith(magic) for magic in kind.magic):
        raise UploadRejected(
            f"The file is named {extension} but its content is not a {kind.label}.",
            "content",
            extension=extension,
            kind=kind.label,
        )
    return kind
