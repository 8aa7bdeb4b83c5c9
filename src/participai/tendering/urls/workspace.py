from django.urls import include, path

app_name = "tender"
urlpatterns = [
    path("", include("participai.tendering.urls.solicitation")),
    path("evaluation/", include("participai.tendering.urls.evaluation")),
    path("solution/", include("participai.tendering.urls.solution")),
    path("clarifications/", include("participai.tendering.urls.clarifications")),
]
