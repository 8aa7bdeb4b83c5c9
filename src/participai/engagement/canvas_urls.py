"""Staff pages: canvas."""

from django.urls import path

from .views import canvas as views

urlpatterns: list = [
    path("", views.canvas, name="canvas"),
    path("canvas.pdf", views.canvas_pdf, name="canvas_pdf"),
    path("canvas.md", views.canvas_markdown, name="canvas_markdown"),
    path("canvas.json", views.canvas_json, name="canvas_json"),
]
