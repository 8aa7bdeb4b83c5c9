"""The public pages of a tender, mounted at ``/p/<slug>/tender/``."""

from django.urls import path

from ..views import public as views

app_name = "public_tender"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("ask/", views.ask, name="ask"),
    path("pack/", views.pack, name="pack"),
    path("pack/preview/", views.pack_preview, name="pack_preview"),
    path(
        "pack/preview.pdf",
        views.pack_preview_file,
        {"fmt": "pdf"},
        name="pack_preview_pdf",
    ),
    path(
        "pack/preview.docx",
        views.pack_preview_file,
        {"fmt": "docx"},
        name="pack_preview_docx",
    ),
]
