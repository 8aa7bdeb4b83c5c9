from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from participai.core import views as core_views

from .api import api

urlpatterns = [
    path("", include("participai.procurements.urls.portal")),
    # Before the participation processes: "tender" is a reserved process slug.
    path("p/<slug:slug>/tender/", include("participai.tendering.urls.public")),
    path("p/<slug:slug>/monitoring/", include("participai.contracts.urlparts.public")),
    # After the portal, so its own /p/<slug>/documents/… paths win.
    path("p/<slug:slug>/<slug:process>/", include("participai.participation.public_urls")),
    path("participate/you/", include("participai.participation.you_urls")),
    path(
        "workspace/procurements/<slug:slug>/assessment/",
        include("participai.assessment.urls"),
    ),
    path(
        "workspace/procurements/<slug:slug>/engagement/",
        include("participai.engagement.workspace_urls"),
    ),
    path(
        "workspace/procurements/<slug:slug>/participation/",
        include("participai.participation.workspace_urls"),
    ),
    path(
        "workspace/procurements/<slug:slug>/tender/",
        include("participai.tendering.urls.workspace"),
    ),
    path(
        "workspace/procurements/<slug:slug>/contract/",
        include("participai.contracts.urls"),
    ),
    path("workspace/panel/<slug:slug>/", include("participai.tendering.urls.panel")),
    path("workspace/supplier/<slug:slug>/", include("participai.contracts.urlparts.supplier")),
    path(
        "workspace/moderation/<slug:organisation>/",
        include("participai.participation.moderation_urls"),
    ),
    path(
        "workspace/questionnaires/<slug:organisation>/",
        include("participai.assessment.questionnaire_urls"),
    ),
    path("workspace/", include("participai.procurements.urls.workspace")),
    path("toolbox/", include("participai.engagement.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", core_views.health, name="health"),
]

if settings.BENCH_FLOOR:
    urlpatterns.append(path("bench/floor/<slug:slug>/", core_views.bench_floor))

handler404 = "participai.core.views.not_found"
handler403 = "participai.core.views.forbidden"
