from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participai.participation"
    label = "participation"
    verbose_name = "Participation: processes, modules, moderation, responses"
