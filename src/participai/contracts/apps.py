from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "participai.contracts"
    label = "contracts"
    verbose_name = "Contracts: the contract record, KPIs, payment milestones"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the contract gate check)
