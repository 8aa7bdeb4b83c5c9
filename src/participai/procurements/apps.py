from django.apps import AppConfig


class ProcurementsConfig(AppConfig):
    name = "participai.procurements"
    label = "procurements"
    verbose_name = "Procurements"
