"""Staff pages: consequence scanning, under ``…/<slug>/assessment/consequences/``.

Included inside the ``assessment`` namespace, so the names are
``assessment:consequences``, ``assessment:consequence_add`` and
``assessment:consequence_edit``; the views get ``slug`` from the outer path.
"""

from django.urls import path

from .views import consequences

urlpatterns = [
    path("", consequences.workshop, name="consequences"),
    path("add/", consequences.consequence_add, name="consequence_add"),
    path("<int:pk>/", consequences.consequence_edit, name="consequence_edit"),
]
