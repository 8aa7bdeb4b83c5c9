"""A participant's own data, under ``/participate/you/``: one address for
every process, as a guest is kept in the session across processes."""

from django.urls import path

from .views.public import you

app_name = "participation_you"
urlpatterns = [
    path("", you.you, name="you"),
    path("export.json", you.you_export, name="export"),
    path("delete/", you.you_delete, name="delete"),
]
