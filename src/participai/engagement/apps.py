from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "participai.engagement"
    label = "engagement"
    verbose_name = "Engagement: toolbox, actor map, plan, canvas"
