"""Solution evaluation: the chosen solution tested against each requirement."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel

from .solicitation import Requirement, Tender


class TestResult(models.TextChoices):
    __test__ = False  # not a pytest test class, whatever its name

    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_TESTED = "not_tested", _("Not tested yet")


class SolutionTest(TimeStampedModel):
    """What a test of the chosen solution found for one requirement.

    ``with_service_users`` marks user testing with the people who use the
    service; ``participants`` says how many took part.
    """

    __test__ = False

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="solution_tests")
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, related_name="solution_tests"
    )
    method = models.TextField(_("how it was tested"))
    with_service_users = models.BooleanField(_("tested with service users"), default=False)
    participants = models.PositiveIntegerField(
        _("people who took part"), default=0, validators=[MinValueValidator(0)]
    )
    result = models.CharField(_("result"), max_length=20, choices=TestResult.choices)
    findings = models.TextField(_("findings"), blank=True, help_text=_("Markdown allowed."))
    tested_on = models.DateField(_("tested on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["tender", "requirement", "tested_on", "id"]
        verbose_name = _("solution test")

    def __str__(self) -> str:
        return f"{self.requirement}: {self.get_result_display()}"
