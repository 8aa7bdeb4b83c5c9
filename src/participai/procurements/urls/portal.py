from django.urls import path

from ..views import portal

app_name = "portal"
urlpatterns = [
    path("", portal.home, name="home"),
    path("p/<slug:slug>/", portal.procurement, name="procurement"),
    path("p/<slug:slug>/documents/<int:document_id>/", portal.document, name="document"),
]
