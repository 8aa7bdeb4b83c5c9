from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "participai.engagement"
    label = "engagement"
    verbose_name = "Engagement: toolbox, actor map, plan, canvas"

    def ready(self) -> None:
        # Register how the actor map and the plan show obligations are met.
        from . import evidence, plan_evidence  # noqa: F401
