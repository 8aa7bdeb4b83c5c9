from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "participai.assessment"
    label = "assessment"
    verbose_name = "Assessment: impact, AI Act, proportionality"

    def ready(self) -> None:
        # Register the obligations gate check and the assessments' own evidence.
        from . import checks  # noqa: F401
