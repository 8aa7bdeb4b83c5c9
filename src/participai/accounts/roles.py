"""The roles a member of a public body can hold.

Roles are what permissions are granted to (see ``procurements.access``); a
person may hold several roles in one organisation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation admin")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    PROJECT_LEAD = "project_lead", _("Project lead")
    DATA_EXPERT = "data_expert", _("IT/data expert")
    LEGAL_OFFICER = "legal_officer", _("Legal officer")
    MODERATOR = "moderator", _("Moderator")
    FACILITATOR = "facilitator", _("Facilitator")
    EVALUATOR = "evaluator", _("Evaluator")
    AUDITOR = "auditor", _("Auditor")


# The procurement team proper (DOMAIN.md §4): the people who own the file.
PROCUREMENT_TEAM = frozenset(
    {
        Role.ORG_ADMIN,
        Role.PROCUREMENT_OFFICER,
        Role.PROJECT_LEAD,
        Role.DATA_EXPERT,
        Role.LEGAL_OFFICER,
    }
)
