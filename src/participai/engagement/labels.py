"""Translatable names for the toolbox's scales, for pages and forms.

The catalogue (``toolbox.py``) keeps plain keys so it stays free of Django;
this module gives each key the words people read, in their language.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FUNCTION_LABELS = {
    "transparency": _("Transparency: let people know"),
    "participation": _("Participation: let people speak"),
    "collaboration": _("Collaboration: let people do"),
}
INSTITUTIONALISATION_LABELS = {
    "ad_hoc": _("Ad hoc"),
    "recurring": _("Recurring"),
    "standing_body": _("Standing body"),
    "binding": _("Binding"),
}
DECISION_STAGE_LABELS = {
    "diagnosis": _("Diagnosis"),
    "deliberation": _("Deliberation"),
    "negotiation": _("Negotiation"),
    "vote": pgettext_lazy("decision stage", "Vote"),
    "assessment": pgettext_lazy("decision stage", "Assessment"),
}
DEPTH_LABELS = {
    "inform": _("Inform"),
    "consult": _("Consult"),
    "involve": _("Involve"),
    "collaborate": _("Collaborate"),
    "empower": _("Empower"),
}
REACH_LABELS = {
    "few": _("A few people"),
    "dozens": _("Dozens of people"),
    "hundreds": _("Hundreds of people"),
    "thousands": _("Thousands of people"),
}
COST_LABELS = {
    "low": pgettext_lazy("cost", "Low"),
    "medium": pgettext_lazy("cost", "Medium"),
    "high": pgettext_lazy("cost", "High"),
}
PLATFORM_MODULE_LABELS = {
    "comments": _("Comments and ideas"),
    "survey": _("Survey"),
    "statements": _("Statements to vote on"),
    "prioritisation": _("Prioritisation"),
    "document_review": _("Document review"),
    "event": _("Event record"),
}
ACTOR_KIND_LABELS = {
    "procurement_officer": _("Procurement officer"),
    "project_lead": _("Project lead or buyer"),
    "it_data_expert": _("IT or data expert"),
    "legal_officer": _("Legal officer"),
    "senior_leadership": _("Senior leadership"),
    "end_user_representative": _("End-user representative"),
    "affected_community": _("Affected community"),
    "frontline_worker": _("Frontline workers or their union"),
    "independent_expert": _("Independent expert"),
    "civil_society": _("Civil society organisation"),
    "academia": _("Academia"),
    "oversight_body": _("Oversight body"),
    "supplier": _("Supplier"),
}
SECTOR_LABELS = {
    "public_administration": _("Public administration"),
    "civil_society": _("Civil society"),
    "academia": pgettext_lazy("sector", "Academia"),
    "private_sector": _("Private sector"),
    "general_public": _("General public"),
}
