"""The governance canvas of a procurement, read from the live records.

``canvas_of(procurement, public=...)`` joins the definition, the assessments,
the actor map, the engagement plan, the gate decisions, the documents, the
consequence scan and the obligations into one :class:`~participai.engagement.canvas.Canvas`.
Nothing is typed twice: every value comes from the record that owns it. What
has no record yet is a :class:`Pending` note naming the stage where it will be
defined.

The public edition (``public=True``, what the portal's API serves) leaves out:

- documents not marked public, and any obligation evidence sentence (it can
  name an internal document);
- internal notes: actor notes, activity outputs, free-text questionnaire
  answers, and drafts of assessments (only completed ones are shown);
- the team's influence and interest ratings of actors (the actor map is
  internal), and cancelled activities (proposals are in neither edition: they
  are not the plan until accepted);
- staff names: activity owners and consequence owners (gate deciders stay,
  as on the public procurement page and in its API: who took a decision is
  part of the decision);
- consequence descriptions: the public edition gives counts only (by kind,
  with how many are addressed, and by response), because the scan is a working
  list that may name people or risks not yet mitigated.

Choice answers of a completed impact assessment (data sources, the kind of
decision) stay in the public edition: they are what "data and
infrastructure" is made of. People are named as they chose to be shown.

The staff edition shows everything, and falls back to a draft assessment when
none is completed yet, saying so. A fixed number of queries, whatever the
number of rows.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.assessment.models import (
    AiActScreening,
    AssessmentStatus,
    Consequence,
)
from participai.core.languages import active_language
from participai.procurements import lifecycle
from participai.procurements.models import (
    Document,
    GateDecision,
    Procurement,
    ProcurementStatus,
)

from ..canvas import Canvas, Header, Words
from ..models import Actor, EngagementActivity, Involvement
from .canvas_blocks import delivery, engagement, purpose
from .canvas_blocks.common import Answers, latest


def canvas_of(procurement: Procurement, *, public: bool) -> Canvas:
    """The governance canvas of ``procurement`` now.

    ``public=True`` builds the public edition described in the module
    docstring; the caller decides who may read which edition (the API serves
    the public edition of published procurements only). ``procurement``
    should come with its organisation loaded (the ``access_*`` functions do).
    """
    lang = active_language()
    impact_rows = list(procurement.impact_assessments.order_by("-number")[:2])
    screening = (
        AiActScreening.objects.filter(procurement=procurement, status=AssessmentStatus.COMPLETED)
        .order_by("-number")
        .first()
    )
    rights_rows = list(procurement.rights_assessments.order_by("-number")[:2])
    actors = list(
        Actor.objects.filter(procurement=procurement)
        .prefetch_related(Prefetch("involvements", queryset=Involvement.objects.order_by("stage")))
        .order_by("name")
    )
    activities = list(
        EngagementActivity.objects.filter(procurement=procurement)
        .select_related("owner")
        .prefetch_related(Prefetch("target_actors", queryset=Actor.objects.order_by("name")))
        .order_by("starts_on", "id")
    )
    decisions = list(
        GateDecision.objects.filter(procurement=procurement)
        .prefetch_related(Prefetch("deciders", queryset=User.objects.order_by("last_name")))
        .order_by("created_at", "id")
    )
    all_documents = list(Document.objects.filter(procurement=procurement).order_by("created_at"))
    documents = [d for d in all_documents if d.is_public] if public else all_documents
    consequences = list(Consequence.objects.filter(procurement=procurement).order_by("id"))

    impact, impact_is_draft = latest(impact_rows, public=public)
    rights, rights_is_draft = latest(rights_rows, public=public)
    answers = Answers(impact, lang)
    draft_note = (
        _("Answers from the impact assessment in progress (not completed yet).")
        if impact_is_draft
        else ""
    )

    blocks = [
        purpose.mission_block(procurement),
        purpose.value_block(answers, consequences, public=public, note=draft_note),
        purpose.affected_block(procurement, answers, rights, actors, note=draft_note),
        purpose.stakes_block(
            procurement, impact if not impact_is_draft else None, screening, lang
        ),
        engagement.actors_block(actors, public=public),
        *(
            engagement.phase_block(phase, actors, activities, public=public, lang=lang)
            for phase in lifecycle.Phase
        ),
        engagement.decisions_block(procurement, decisions),
        delivery.data_block(answers, documents, public=public, note=draft_note),
        delivery.delivery_block(procurement, documents, public=public),
        delivery.monitoring_block(answers, documents, public=public, note=draft_note),
        delivery.transparency_block(
            procurement,
            answers,
            screening=screening,
            rights=rights,
            rights_is_draft=rights_is_draft,
            documents=documents,
            lang=lang,
            public=public,
            note=draft_note,
        ),
        engagement.consequences_block(consequences, public=public),
        engagement.obligations_block(
            procurement,
            all_documents,
            actors,
            activities,
            assessed=screening is not None,
            public=public,
        ),
        delivery.documents_block(documents, public=public),
    ]
    return Canvas(
        header=_header(procurement, public=public, lang=lang),
        blocks=tuple(blocks),
        words=_words(public=public),
    )


def _header(procurement: Procurement, *, public: bool, lang: str) -> Header:
    stage = procurement.current_stage
    return Header(
        slug=procurement.slug,
        title=procurement.title,
        organisation=procurement.organisation.name,
        stage=stage.key,
        stage_name=str(stage.name),
        phase=stage.phase.value,
        phase_name=str(stage.phase.label),
        status=procurement.status,
        status_name=str(ProcurementStatus(procurement.status).label),
        impact_level=procurement.impact_level,
        published=procurement.is_published,
        published_on=timezone.localdate(procurement.published_at)
        if procurement.published_at
        else None,
        version=procurement.version,
        edition="public" if public else "staff",
        language=lang,
        generated_at=timezone.localtime(),
    )


def _words(*, public: bool) -> Words:
    return Words(
        canvas=_("Governance canvas"),
        organisation=_("Organisation"),
        stage=_("Stage"),
        status=_("Status"),
        published=_("Published"),
        draft=_("Draft, not published"),
        version=_("Version"),
        generated=_("Generated"),
        fingerprint=_("Fingerprint"),
        edition=_("Edition"),
        edition_name=_("public") if public else _("internal, for the procurement team"),
        not_defined=_("Not defined yet"),
        none=_("None"),
    )
