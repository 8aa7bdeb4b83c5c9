"""Public pages of a participation process, under ``/p/<slug>/<process>/``."""

from django.urls import path

from .views import public
from .views.public import documents as document_views
from .views.public import opinions as opinion_views
from .views.public import prioritisation as prioritisation_views
from .views.public import responses as public_responses
from .views.public import survey as survey_views
from .views.public import you as you_views

app_name = "participation_public"
urlpatterns = [
    path("", public.process, name="process"),
    path("join/", public.join, name="join"),
    path("responses/", public_responses.responses, name="responses"),
    path("responses/<int:pk>/", public_responses.response, name="response"),
    path("responses/follow/", public_responses.follow, name="follow"),
    path("responses/unfollow/", public_responses.unfollow, name="unfollow"),
    path("email/", public_responses.email_settings, name="email_settings"),
    path("confirm/", public.confirm, name="confirm"),
    path("confirm/send/", public.confirm_send, name="confirm_send"),
    path("confirm/code/", public.confirm_code, name="confirm_code"),
    path("about-you/", you_views.about_you, name="about_you"),
    path("about-you/delete/", you_views.about_you_delete, name="about_you_delete"),
    path("m/<int:module>/", public.module, name="module"),
    path("m/<int:module>/add/", public.contribute, name="contribute"),
    path("m/<int:module>/c/<int:pk>/reply/", public.reply, name="reply"),
    path("m/<int:module>/c/<int:pk>/support/", public.support, name="support"),
    path("m/<int:module>/c/<int:pk>/unsupport/", public.unsupport, name="unsupport"),
    path("m/<int:module>/c/<int:pk>/vote/", public.vote, name="vote"),
    path("m/<int:module>/c/<int:pk>/flag/", public.flag, name="flag"),
    path("m/<int:module>/c/<int:pk>/remove/", public.remove, name="remove"),
    path("m/<int:module>/p/<int:paragraph>/", document_views.paragraph_page, name="paragraph"),
    path("m/<int:module>/diff/", document_views.diff, name="document_diff"),
    path("m/<int:module>/opinions/", opinion_views.opinions, name="opinions"),
    path("m/<int:module>/ballot/", prioritisation_views.ballot, name="prioritisation_ballot"),
    path("m/<int:module>/survey/", survey_views.answer, name="survey_answer"),
]
