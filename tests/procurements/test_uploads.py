"""What an uploaded document may be: the pure checks of ``uploads``, on real bytes.

No database and no Django: ``check_upload`` takes a name, a size and the
first bytes of the file.
"""

from __future__ import annotations

import re

import pytest

from participai.procurements import uploads
from participai.procurements.uploads import UploadRejected, check_upload

from .conftest import DOCX_BYTES, PDF_BYTES, PNG_BYTES

MB = 1_048_576
LIMIT = 20 * MB
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
CSV_BYTES = "organisation;answer\nVilanova;Sí, però amb supervisió humana\n".encode()


def check(filename: str, content: bytes, *, size: int | None = None, max_bytes: int = LIMIT):
    return check_upload(
        filename=filename,
        size=len(content) if size is None else size,
        head=content[:8192],
        max_bytes=max_bytes,
    )


def rejection(filename: str, content: bytes, *, code: str | None = None, **kwargs) -> str:
    """The English message of the rejection; its ``code`` checked when given."""
    with pytest.raises(UploadRejected) as caught:
        check(filename, content, **kwargs)
    if code is not None:
        assert caught.value.code == code
    return str(caught.value)


@pytest.mark.parametrize(
    ("filename", "content", "extension", "content_type"),
    [
        ("report.pdf", PDF_BYTES, ".pdf", "application/pdf"),
        (
            "requirements.docx",
            DOCX_BYTES,
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "scores.xlsx",
            DOCX_BYTES,
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("minutes.odt", DOCX_BYTES, ".odt", "application/vnd.oasis.opendocument.text"),
        ("budget.ods", DOCX_BYTES, ".ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("map.png", PNG_BYTES, ".png", "image/png"),
        ("photo.jpg", JPEG_BYTES, ".jpg", "image/jpeg"),
        ("photo.jpeg", JPEG_BYTES, ".jpeg", "image/jpeg"),
        ("answers.csv", CSV_BYTES, ".csv", "text/csv"),
        ("notes.txt", "Plain words, and ünïcödé.\n".encode(), ".txt", "text/plain"),
        ("brief.md", b"# Brief\n\n- one\n- two\n", ".md", "text/markdown"),
    ],
)
def test_accepted_kinds(filename, content, extension, content_type):
    kind = check(filename, content)
    assert kind.extension == extension
    assert kind.content_type == content_type


def test_the_allowed_list_is_exactly_these_extensions():
    assert set(uploads.ALLOWED_EXTENSIONS) == {
        ".csv",
        ".docx",
        ".jpeg",
        ".jpg",
        ".md",
        ".ods",
        ".odt",
        ".pdf",
        ".png",
        ".txt",
        ".xlsx",
    }


@pytest.mark.parametrize(
    "filename",
    ["REPORT.PDF", "Report.Pdf", "dir/sub/report.pdf", "C:\\Users\\ana\\report.pdf", ".pdf"],
)
def test_extension_is_read_case_insensitively_from_the_last_path_part(filename):
    assert check(filename, PDF_BYTES).extension == ".pdf"


@pytest.mark.parametrize(
    ("filename", "shown"),
    [
        ("setup.exe", ".exe"),
        ("page.html", ".html"),
        ("archive.pdf.zip", ".zip"),
        ("script.PY", ".py"),
        ("README", None),
        ("folder.pdf/README", None),
        ("", None),
    ],
)
def test_unlisted_extensions_are_refused_naming_what_is_accepted(filename, shown):
    message = rejection(filename, PDF_BYTES, code="type")
    if shown:
        assert shown in message
    assert "not accepted" in message
    assert ".pdf" in message and ".docx" in message  # what the uploader can use instead


@pytest.mark.parametrize(
    ("filename", "content", "label"),
    [
        ("report.pdf", b"<!doctype html><html><script>alert(1)</script>", "PDF"),
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "PDF"),  # a Windows executable
        ("report.pdf", b" %PDF-1.4\n", "PDF"),  # the magic must be at the very start
        ("requirements.docx", PDF_BYTES, "Word"),
        ("map.png", JPEG_BYTES, "PNG"),
        ("photo.jpg", PNG_BYTES, "JPEG"),
        ("scores.xlsx", b"col1,col2\n1,2\n", "Excel"),
    ],
)
def test_content_must_match_the_extension(filename, content, label):
    message = rejection(filename, content, code="content")
    assert filename.rsplit(".", 1)[-1] in message
    assert label in message


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("notes.txt", PNG_BYTES),
        ("answers.csv", b"a,b\n\x00\x00\x00\x00binary"),
        ("brief.md", "Latin-1 text: caf\xe9 au lait, pi\xf1a colada".encode("latin-1")),
    ],
)
def test_text_kinds_must_be_utf8_text(filename, content):
    message = rejection(filename, content, code="not_text")
    assert "UTF-8" in message


def test_a_multibyte_character_cut_at_the_end_of_the_sample_is_still_text():
    text = ("x" * 8191 + "é" + "more text").encode()
    assert len(text[:8192]) == 8192 and text[8191:8193] == "é".encode()
    kind = check_upload(filename="long.txt", size=len(text), head=text[:8192], max_bytes=LIMIT)
    assert kind.extension == ".txt"


@pytest.mark.parametrize(
    "content", [b"hello\xff", b"\xff\xfe", b"\xff\xd8\xff"], ids=["trailing-ff", "bom16", "jpeg"]
)
def test_invalid_utf8_at_the_end_of_a_short_file_is_not_text(content):
    assert "UTF-8" in rejection("notes.txt", content)


def test_an_empty_file_is_refused():
    assert "empty" in rejection("report.pdf", b"", code="empty")
    assert "empty" in rejection("notes.txt", b"", size=0, code="empty")


def test_size_limit_is_inclusive():
    assert check("report.pdf", PDF_BYTES, max_bytes=len(PDF_BYTES)).extension == ".pdf"
    message = rejection("report.pdf", PDF_BYTES, max_bytes=len(PDF_BYTES) - 1, code="size")
    assert "limit" in message


def test_the_size_message_gives_both_sizes_in_megabytes():
    message = rejection("big.pdf", PDF_BYTES, size=25 * MB, max_bytes=20 * MB)
    assert "The file is 25 MB; the limit is 20 MB." in message
    assert "1.5 MB" in rejection("big.pdf", PDF_BYTES, size=MB + MB // 2, max_bytes=MB)


_UNITS = {"bytes": 1, "B": 1, "KB": 1024, "kB": 1024, "KiB": 1024, "MB": MB, "MiB": MB}


def _sizes_in(message: str) -> list[float]:
    """Every size the message states, in bytes, whatever unit it chose."""
    return [
        float(number) * _UNITS[unit]
        for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*(bytes|B|KB|kB|KiB|MB|MiB)\b", message)
    ]


@pytest.mark.parametrize(
    ("size", "max_bytes"), [(int(1.6 * MB), int(1.5 * MB)), (2048, 1024)], ids=["1.5MB", "1KB"]
)
def test_the_size_message_never_shows_a_limit_of_zero_or_above_the_file_size(size, max_bytes):
    message = rejection("big.pdf", PDF_BYTES, size=size, max_bytes=max_bytes)
    shown = _sizes_in(message)
    assert len(shown) == 2, message
    shown_size, shown_limit = shown
    assert 0 < shown_limit < shown_size, message


def test_the_type_check_comes_before_the_content_check():
    # A renamed executable is refused for its name, before anyone reads it.
    assert "not accepted" in rejection("tool.exe", b"MZ\x90\x00", code="type")
