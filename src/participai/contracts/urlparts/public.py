from django.urls import include, path

app_name = "monitoring"
urlpatterns: list = [
    path("report/", include("participai.contracts.urlparts.public_incidents")),
]
