from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "participai.core"
    label = "core"
    verbose_name = "ParticipAI core"
