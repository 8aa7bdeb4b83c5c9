from django.urls import include, path

from .views import impact

app_name = "assessment"
urlpatterns = [
    path("", impact.overview, name="overview"),
    path("start/", impact.start, name="start"),
    path("consequences/", include("participai.assessment.consequence_urls")),
    path("<int:number>/", impact.review, name="review"),
    path("<int:number>/complete/", impact.complete, name="complete"),
    path("<int:number>/<slug:section>/", impact.section, name="section"),
]
