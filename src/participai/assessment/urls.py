from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("<int:number>/", views.review, name="review"),
    path("<int:number>/complete/", views.complete, name="complete"),
    path("<int:number>/<slug:section>/", views.section, name="section"),
]
