from django.apps import AppConfig


class TenderingConfig(AppConfig):
    name = "participai.tendering"
    label = "tendering"
    verbose_name = "Tendering: requirements, criteria, clauses, bids, scoring, award"

    def ready(self) -> None:
        # Register the gate checks the Delivery stages name, and the evidence
        # that the evaluation panel seats the people the stakes require.
        from . import checks, evidence  # noqa: F401
