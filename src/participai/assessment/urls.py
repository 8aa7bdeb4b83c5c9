from django.urls import path

from .views import impact

app_name = "assessment"
urlpatterns = [
    path("", impact.overview, name="overview"),
    path("start/", impact.start, name="start"),
    path("<int:number>/", impact.review, name="review"),
    path("<int:number>/complete/", impact.complete, name="complete"),
    path("<int:number>/<slug:section>/", impact.section, name="section"),
]
