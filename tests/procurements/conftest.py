"""Fixtures for the procurement tests: real file bytes, closing a procurement,
members of another organisation, and a look at what landed in MEDIA_ROOT."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from participai.accounts.models import Organisation, User
from participai.accounts.roles import Role
from participai.procurements import services
from participai.procurements.models import Document, Procurement

# A complete, minimal PDF: header, one catalog object, trailer.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _png_bytes() -> bytes:
    """A real 1x1 grey PNG, built chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def _docx_bytes() -> bytes:
    """A real ZIP container, as every Office Open XML file is."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


PNG_BYTES = _png_bytes()
DOCX_BYTES = _docx_bytes()


@pytest.fixture
def pdf_bytes() -> bytes:
    return PDF_BYTES


@pytest.fixture
def png_bytes() -> bytes:
    return PNG_BYTES


@pytest.fixture
def docx_bytes() -> bytes:
    return DOCX_BYTES


@pytest.fixture
def make_upload() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "report.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, content, content_type="application/octet-stream")

    return make


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def other_officer(other_org: Organisation, make_member) -> User:
    return make_member(other_org, Role.PROCUREMENT_OFFICER, username="other_officer")


@pytest.fixture
def other_procurement(make_procurement, other_org, other_officer) -> Procurement:
    """A draft of another organisation, created by that organisation's officer."""
    return make_procurement(other_org, actor=other_officer, title="Elsewhere chatbot")


@pytest.fixture
def close() -> Callable[[Procurement, str], Procurement]:
    """Give ``procurement`` a closed ``status`` without going through a gate."""

    def do(procurement: Procurement, status: str) -> Procurement:
        Procurement.objects.filter(pk=procurement.pk).update(status=status)
        procurement.refresh_from_db()
        return procurement

    return do


@pytest.fixture
def add_text_document(officer) -> Callable[..., Document]:
    """A text document in the procurement's current stage, added by ``actor``."""

    def add(
        procurement: Procurement,
        *,
        title: str = "Notes from the workshop",
        is_public: bool = True,
        actor: User | None = None,
        **kwargs,
    ) -> Document:
        return services.document_add(
            actor=actor or officer,
            procurement=procurement,
            title=title,
            body=kwargs.pop("body", "What residents told us, in their words."),
            is_public=is_public,
            **kwargs,
        )

    return add


@pytest.fixture
def media_files(settings) -> Callable[[], list[Path]]:
    """The files under MEDIA_ROOT now (the root is a fresh temporary directory)."""

    def files() -> list[Path]:
        root = Path(settings.MEDIA_ROOT)
        if not root.exists():
            return []
        return sorted(path for path in root.rglob("*") if path.is_file())

    return files
