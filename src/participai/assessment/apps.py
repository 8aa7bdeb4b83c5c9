from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "participai.assessment"
    label = "assessment"
    verbose_name = "Assessment: impact, AI Act, proportionality"
