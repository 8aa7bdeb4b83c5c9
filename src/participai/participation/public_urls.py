"""Public pages of a participation process, under ``/p/<slug>/<process>/``."""

from django.urls import path

from .views import public

app_name = "participation_public"
urlpatterns = [
    path("", public.process, name="process"),
    path("join/", public.join, name="join"),
    path("confirm/", public.confirm, name="confirm"),
    path("confirm/send/", public.confirm_send, name="confirm_send"),
    path("confirm/code/", public.confirm_code, name="confirm_code"),
    path("m/<int:module>/", public.module, name="module"),
    path("m/<int:module>/add/", public.contribute, name="contribute"),
    path("m/<int:module>/c/<int:pk>/reply/", public.reply, name="reply"),
    path("m/<int:module>/c/<int:pk>/support/", public.support, name="support"),
    path("m/<int:module>/c/<int:pk>/unsupport/", public.unsupport, name="unsupport"),
    path("m/<int:module>/c/<int:pk>/vote/", public.vote, name="vote"),
    path("m/<int:module>/c/<int:pk>/flag/", public.flag, name="flag"),
    path("m/<int:module>/c/<int:pk>/remove/", public.remove, name="remove"),
]
