"""Staff pages of the engagement app, under /workspace/procurements/<slug>/engagement/."""

from django.urls import include, path

app_name = "engagement"
urlpatterns = [
    path("actors/", include("participai.engagement.actor_urls")),
    path("plan/", include("participai.engagement.plan_urls")),
    path("canvas/", include("participai.engagement.canvas_urls")),
]
