from django.urls import path

from .views import toolbox as views

app_name = "toolbox"
urlpatterns = [
    path("", views.toolbox, name="list"),
    path("<slug:key>/", views.mechanism, name="mechanism"),
]
